"""The background reading of a large training sheet (issue 17, point 2): the task only calls the service."""

from celery import shared_task

from .services import imports


@shared_task(acks_late=True)
def run_import(import_id: int) -> str:
    return imports.run_import(import_id=import_id).phase
