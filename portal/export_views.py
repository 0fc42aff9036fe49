"""The pages of background exports (core/exports.py): my exports, one export's progress, its JSON, its download.

Every page answers only the export's owner; anyone else, other province staff included, gets 404.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core import exports, uploads

PAGE_SIZE = 20


@login_required
@require_GET
def export_list(request):
    page = Paginator(exports.my_exports(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/exports.html", {"page_obj": page})


def owner_only(view):
    """The job, for its owner only (404 for anyone else, whatever the method); then only GET is answered."""

    @login_required
    @wraps(view)
    def wrapped(request, pk):
        job = exports.own_job_or_404(request.user, pk)
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return view(request, job)

    return wrapped


@owner_only
def export_job(request, job):
    return render(request, "portal/export_job.html", _job_context(job))


@owner_only
def export_progress(request, job):
    return JsonResponse(
        {
            "phase": job.phase,
            "label": job.get_phase_display(),
            "percent": job.percent,
            "done": job.rows_done,
            "total": job.rows_total,
            "finished": job.finished,
        },
        headers={"Cache-Control": "no-store"},
    )


@owner_only
def export_download(request, job):
    if job.phase != job.Phase.DONE or job.expired():
        return render(request, "portal/export_job.html", _job_context(job), status=410 if job.expired() else 409)
    return uploads.serve(job.file, filename=job.download_name, content_type=exports.CONTENT_TYPES[job.format])


def _job_context(job) -> dict:
    return {"job": job, "ttl_hours": settings.EXPORT_TTL_HOURS}
