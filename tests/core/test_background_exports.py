"""Issue 20, target 3: an export of more rows than EXPORT_BACKGROUND_THRESHOLD is built by a Celery task into the
private storage, shows its progress, is announced in the inbox, and is downloaded only by its owner before it
expires; a small export still answers at once."""

import csv
import io
import os
import subprocess
import sys
from datetime import timedelta

import openpyxl
import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from applications.models import State
from core import exports, jobs
from core.models import ExportJob, Notification
from core.tasks import build_export, delete_expired_exports
from tests import factories
from tests.helpers import assert_constant_queries
from tests.reports import build
from tests.reports.build import Sheet, read_csv

pytestmark = pytest.mark.django_db

QUEUE = reverse("applications:province_queue")


@pytest.fixture
def approved(settings):
    settings.EXPORT_BACKGROUND_THRESHOLD = 3
    names = [f"已认定机构{i:02d}号" for i in range(5)]
    for i, name in enumerate(names):
        build.application(name, state=State.APPROVED, submitted_at=build.at(2025, 6, 1, 9, i))
    build.application("审核中机构01号", state=State.UNDER_REVIEW)  # the filter leaves it out
    return names


def queue_export(client, fmt, captured):
    with captured(execute=False) as callbacks:
        response = client.get(f"{QUEUE}?state=approved&export={fmt}&page=2")
    job = ExportJob.objects.get()
    return response, job, callbacks


def test_a_large_export_is_queued_not_answered_and_the_task_delivers_the_rows_the_page_filters(
    approved, province_user, client_as, django_capture_on_commit_callbacks
):
    client = client_as(province_user)
    response, job, callbacks = queue_export(client, "xlsx", django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == reverse("export_job", args=[job.pk])
    assert (job.phase, job.rows_total, job.owner, job.path) == (ExportJob.Phase.QUEUED, 5, province_user, QUEUE)
    assert "page=" not in job.query and "state=approved" in job.query  # every row, the page's filters
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "<progress" in html and 'data-progress="' in html and "js/progress.js" in html
    assert "<script>" not in html  # the polling script is a static file (CSP)
    assert client.get(reverse("export_progress", args=[job.pk])).json() == {
        "phase": "queued",
        "label": "排队中",
        "percent": 0,
        "done": 0,
        "total": 5,
        "finished": False,
    }

    for callback in callbacks:  # the commit hands the job to the (eager) worker
        callback()
    job.refresh_from_db()
    assert job.phase == ExportJob.Phase.DONE and job.rows_done == 5 and job.size > 0
    assert job.file.name == f"exports/{job.key.hex}.xlsx"
    assert job.expires_at - job.finished_at == timedelta(hours=24)
    assert client.get(reverse("export_progress", args=[job.pk])).json()["finished"] is True

    download = client.get(reverse("export_download", args=[job.pk]))
    sheet = Sheet(download)
    assert "private" in download["Cache-Control"]
    assert sheet.header[0] == "申报机构" and sheet.ws.freeze_panes == "A2"
    assert sorted(sheet.column("申报机构")) == approved  # nothing the filter leaves out
    # the same rows, in the same order, as the direct export of the same list
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(exports.settings, "EXPORT_BACKGROUND_THRESHOLD", 100)
        direct = Sheet(client.get(f"{QUEUE}?state=approved&export=xlsx"))
    assert sheet.rows == direct.rows

    note = Notification.objects.get(recipient=province_user)
    assert note.title == "导出文件已生成：申报审核" and note.url == reverse("export_job", args=[job.pk])
    assert "共5行" in note.body
    assert "下载申报审核-" in client.get(reverse("export_job", args=[job.pk])).content.decode()


def test_a_large_csv_export_is_written_to_storage_with_the_bom_and_the_same_rows(
    approved, province_user, client_as, django_capture_on_commit_callbacks
):
    client = client_as(province_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(f"{QUEUE}?state=approved&export=csv")
    job = ExportJob.objects.get()
    raw = job.file.open("rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(exports.settings, "EXPORT_BACKGROUND_THRESHOLD", 100)
        direct = read_csv(client.get(f"{QUEUE}?state=approved&export=csv"))
    background = client.get(reverse("export_download", args=[job.pk]))
    assert background["Content-Type"].startswith("text/csv") and ".csv" in background["Content-Disposition"]
    assert list(csv.reader(io.StringIO(raw.decode("utf-8-sig")))) == direct  # header and the same 5 rows
    assert len(direct) == 6


def test_a_small_export_still_answers_directly_and_queues_nothing(settings, province_user, client_as):
    settings.EXPORT_BACKGROUND_THRESHOLD = 3
    for i in range(3):
        build.application(f"已认定机构{i:02d}号", state=State.APPROVED)
    client = client_as(province_user)
    sheet = Sheet(client.get(f"{QUEUE}?state=approved&export=xlsx"))
    assert len(sheet.rows) == 3 and not ExportJob.objects.exists()
    assert len(read_csv(client.get(f"{QUEUE}?state=approved&export=csv"))) == 4


def test_the_progress_is_written_once_per_chunk_of_rows(approved, province_user, client_as, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 2)
    client = client_as(province_user)
    client.get(f"{QUEUE}?state=approved&export=csv")  # outside a transaction's commit: queued, not run
    job = ExportJob.objects.get()
    seen = []
    real = exports.ExportJob.objects.filter

    def spy(*args, **kwargs):
        rows = real(*args, **kwargs)
        update = rows.update

        def recorded(**fields):
            if set(fields) == {"rows_done"}:
                seen.append(fields["rows_done"])
            return update(**fields)

        rows.update = recorded
        return rows

    monkeypatch.setattr(exports.ExportJob.objects, "filter", spy)
    assert build_export(job.pk) == ExportJob.Phase.DONE
    assert seen == [2, 4]  # one UPDATE per chunk of 2, not one per row


def test_only_the_owner_reaches_an_export_other_province_staff_and_other_roles_get_404(
    approved, province_user, client_as, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_as(province_user).get(f"{QUEUE}?state=approved&export=xlsx")
    job = ExportJob.objects.get()
    others = [
        factories.UserFactory(role=Role.PROVINCE),
        factories.InstitutionUserFactory(),
        factories.RecommenderUserFactory(),
    ]
    for other in others:
        client = client_as(other)
        for name in ("export_job", "export_progress", "export_download"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404, (other.role, name)
        mine = client.get(reverse("export_list")).content.decode()
        assert reverse("export_job", args=[job.pk]) not in mine and "暂无导出记录" in mine
    anonymous = client_as(province_user).__class__()
    assert anonymous.get(reverse("export_download", args=[job.pk])).status_code == 302  # to the sign-in


def test_an_expired_export_is_refused_with_a_chinese_message_offering_to_export_again(
    approved, province_user, client_as, django_capture_on_commit_callbacks
):
    client = client_as(province_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(f"{QUEUE}?state=approved&export=xlsx")
    job = ExportJob.objects.get()
    with time_machine.travel(job.expires_at + timedelta(seconds=1)):
        response = client.get(reverse("export_download", args=[job.pk]))
        assert response.status_code == 410
        html = response.content.decode()
        assert "文件已过期" in html and "按相同条件重新导出" in html
        assert f'href="{QUEUE}?state=approved&amp;export=xlsx"' in html
        assert "已过期" in client.get(reverse("export_list")).content.decode()


def test_the_hourly_sweep_deletes_expired_files_and_keeps_the_others(
    approved, province_user, client_as, django_capture_on_commit_callbacks
):
    client = client_as(province_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(f"{QUEUE}?state=approved&export=xlsx")
        client.get(f"{QUEUE}?state=approved&export=csv")
    old, fresh = ExportJob.objects.order_by("pk")
    ExportJob.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    storage, old_name = old.file.storage, old.file.name
    assert storage.exists(old_name)
    assert delete_expired_exports() == 1
    old.refresh_from_db()
    assert old.file.name == "" and not storage.exists(old_name)
    assert storage.exists(fresh.file.name)
    assert client.get(reverse("export_download", args=[old.pk])).status_code == 410
    assert delete_expired_exports() == 0
    assert jobs.beat_schedule()["delete-expired-exports"]["task"] == "core.tasks.delete_expired_exports"


def test_a_task_delivered_twice_writes_one_file_and_one_notification(
    approved, province_user, client_as, django_capture_on_commit_callbacks
):
    client = client_as(province_user)
    client.get(f"{QUEUE}?state=approved&export=xlsx")
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(phase=ExportJob.Phase.RUNNING)  # a worker was lost mid-run
    assert build_export(job.pk) == ExportJob.Phase.DONE
    assert build_export(job.pk) == "skipped"  # a finished job is never built again
    job.refresh_from_db()
    folder = job.file.storage.path("exports")
    assert [n for n in os.listdir(folder) if n.startswith(job.key.hex)] == [f"{job.key.hex}.xlsx"]
    assert Notification.objects.filter(recipient=province_user).count() == 1


def test_a_failing_export_is_marked_failed_with_a_chinese_message_and_the_owner_is_told(
    approved, province_user, client_as, monkeypatch
):
    client = client_as(province_user)
    client.get(f"{QUEUE}?state=approved&export=xlsx")
    job = ExportJob.objects.get()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "write_xlsx", broken)
    assert build_export(job.pk) == ExportJob.Phase.FAILED
    job.refresh_from_db()
    assert job.error == exports.FAILED_GENERIC and not job.file
    note = Notification.objects.get(recipient=province_user)
    assert note.title == "导出失败：申报审核"
    page = client.get(reverse("export_job", args=[job.pk])).content.decode()
    assert "导出失败" in page and "重新导出" in page
    assert client.get(reverse("export_download", args=[job.pk])).status_code == 409
    assert len(mail.outbox) <= 1


def test_an_export_whose_owner_lost_the_right_fails_instead_of_writing_rows(approved, province_user, client_as):
    client = client_as(province_user)
    client.get(f"{QUEUE}?state=approved&export=xlsx")
    job = ExportJob.objects.get()
    type(province_user).objects.filter(pk=province_user.pk).update(role=Role.EXPERT)  # moved to another post
    assert build_export(job.pk) == ExportJob.Phase.FAILED
    job.refresh_from_db()
    assert job.error == exports.FAILED_REFUSED and not job.file


def test_my_exports_runs_a_fixed_number_of_queries(province_user, client_as):
    client = client_as(province_user)

    def add(n):
        for i in range(n):
            ExportJob.objects.create(owner=province_user, title=f"列表{i}", filename="f", format="csv", path=QUEUE)

    add(5)
    page = assert_constant_queries(lambda: client.get(reverse("export_list")), lambda: add(45), warm=True)
    assert page.status_code == 200 and "列表44" in page.content.decode()


def test_the_workbook_of_a_background_export_is_a_real_xlsx(approved, province_user, client_as):
    client_as(province_user).get(f"{QUEUE}?state=approved&export=xlsx")
    job = ExportJob.objects.get()
    build_export(job.pk)
    job.refresh_from_db()
    workbook = openpyxl.load_workbook(io.BytesIO(job.file.open("rb").read()))
    assert workbook.worksheets[0].max_row == 6


def test_the_export_pages_take_no_post_and_change_nothing(approved, province_user, client_as):
    client = client_as(province_user)
    client.get(f"{QUEUE}?state=approved&export=xlsx")
    job = ExportJob.objects.get()
    for name, args in [
        ("export_list", []),
        *((n, [job.pk]) for n in ("export_job", "export_progress", "export_download")),
    ]:
        assert client.post(reverse(name, args=args)).status_code == 405, name
    assert ExportJob.objects.get().phase == ExportJob.Phase.QUEUED


def test_a_web_process_knows_the_kernel_tasks_it_queues_by_name():
    """A web process runs no worker's autodiscovery: the tasks queued by name must be registered at start-up."""
    code = (
        "import django; django.setup(); from celery import current_app; "
        "print(sorted(t for t in current_app.tasks if t.startswith('core.tasks.')))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "True"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert "'core.tasks.build_export'" in out.stdout and "'core.tasks.send_pending_emails'" in out.stdout


def test_large_exports_run_on_a_queue_of_their_own_so_they_never_delay_mail_and_jobs():
    from config.celery import app

    route = app.amqp.router.route({}, "core.tasks.build_export")
    assert route["queue"].name == "exports"
    assert app.amqp.router.route({}, "core.tasks.send_pending_emails")["queue"].name == "celery"
    assert app.amqp.router.route({}, "core.tasks.run_job")["queue"].name == "celery"
