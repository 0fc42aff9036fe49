"""Observability (issue 19, point 7): a request id on every log line and response, JSON log lines, error
reports without personal data, and each scheduled job's last successful run on the admin's operations page."""

import json
import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from pythonjsonlogger.json import JsonFormatter

from core import jobs
from core.models import JobRun
from core.monitoring import MASK, scrub
from core.requestid import RequestIdFilter, current

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
def test_every_response_carries_a_request_id_and_writes_one_access_line(client, caplog):
    with caplog.at_level(logging.INFO, logger="jxjy.request"):
        response = client.get("/public/bases/?q=110101199003077777")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    [line] = [record for record in caplog.records if record.name == "jxjy.request"]
    assert (line.method, line.path, line.status) == ("GET", "/public/bases/", 200)
    assert "110101199003077777" not in line.getMessage()  # the query string stays out of the log
    assert line.duration_ms >= 0


@pytest.mark.django_db
def test_the_proxys_request_id_is_kept_and_a_forged_one_replaced(client):
    assert client.get("/public/bases/", HTTP_X_REQUEST_ID="nginx-3f2a9c1d77")["X-Request-ID"] == "nginx-3f2a9c1d77"
    forged = client.get("/public/bases/", HTTP_X_REQUEST_ID="x\nFAKE LOG LINE")["X-Request-ID"]
    assert "FAKE" not in forged and len(forged) == 32


def test_json_log_lines_carry_the_request_id():
    record = logging.LogRecord("bases.services", logging.WARNING, __file__, 1, "基地 %s 未按期备案", ("甲",), None)
    token = current.set("abc12345")
    try:
        RequestIdFilter().filter(record)
    finally:
        current.reset(token)
    formatter = JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        rename_fields={"levelname": "level", "name": "logger"},
    )
    line = json.loads(formatter.format(record))
    assert line["request_id"] == "abc12345"
    assert (line["level"], line["logger"], line["message"]) == ("WARNING", "bases.services", "基地 甲 未按期备案")


def test_a_log_line_outside_a_request_says_so():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", (), None)
    RequestIdFilter().filter(record)
    assert record.request_id == "-"


def test_error_reports_leave_personal_data_behind():
    event = {
        "request": {
            "url": "https://jxjy.example/training/learning-records/",
            "cookies": {"sessionid": "secret"},
            "data": {"id_number": "350102199001011234"},
            "query_string": "q=350102199001011234",
            "headers": {"Cookie": "sessionid=secret", "Authorization": "Bearer t", "User-Agent": "Mozilla"},
        },
        "user": {"id": 7, "username": "zhangsan", "email": "z@example.com", "ip_address": "10.0.0.1"},
        "exception": {
            "values": [
                {
                    "value": "ValueError: 身份证号 35010219900101123X 已存在, mail li@example.cn, 电话 13912345678",
                    "stacktrace": {"frames": [{"function": "save", "vars": {"password": "hunter2"}}]},
                }
            ]
        },
    }
    scrubbed = json.dumps(scrub(event), ensure_ascii=False)
    for leaked in ("secret", "350102199001011234", "35010219900101123X", "zhangsan", "10.0.0.1", "hunter2"):
        assert leaked not in scrubbed
    for leaked in ("li@example.cn", "13912345678", "Bearer"):
        assert leaked not in scrubbed
    assert MASK in scrubbed
    assert event["user"] == {"id": 7}
    assert event["request"]["headers"] == {"User-Agent": "Mozilla"}


@pytest.mark.django_db
def test_each_job_run_is_recorded_with_its_outcome():
    job = jobs.Job("test-ok", lambda *, today: 3, 2, 0, "")
    assert job.run(today=date(2026, 12, 1)) == 3
    run = JobRun.objects.get(job="test-ok")
    assert (run.succeeded, run.result, run.for_day) == (True, "3", date(2026, 12, 1))
    assert run.finished_at >= run.started_at

    def broken(*, today):
        raise RuntimeError("数据库连接中断")

    with pytest.raises(RuntimeError):
        jobs.Job("test-broken", broken, 2, 0, "").run(today=date(2026, 12, 1))
    run = JobRun.objects.get(job="test-broken")
    assert run.succeeded is False
    assert "数据库连接中断" in run.error


@pytest.mark.django_db
def test_a_job_without_a_success_since_its_scheduled_time_has_missed_its_run():
    name = next(iter(jobs.registered()))
    job = jobs.get(name)
    now = timezone.make_aware(datetime(2026, 12, 3, job.hour, job.minute), SHANGHAI) + timedelta(hours=3)
    due = timezone.make_aware(datetime(2026, 12, 3, job.hour, job.minute), SHANGHAI)

    def status():
        return next(s for s in jobs.statuses(now=now) if s.job.name == name)

    assert status().missed  # never ran
    JobRun.objects.create(job=name, for_day=date(2026, 12, 2), started_at=due - timedelta(days=1), succeeded=True)
    assert status().missed  # yesterday's run does not cover today's
    JobRun.objects.create(job=name, for_day=date(2026, 12, 3), started_at=due + timedelta(minutes=1), succeeded=False)
    assert status().missed and status().last_failure is not None
    JobRun.objects.create(job=name, for_day=date(2026, 12, 3), started_at=due + timedelta(minutes=5), succeeded=True)
    assert not status().missed
    # within the grace after today's time, yesterday's success is enough
    early = due + jobs.GRACE - timedelta(minutes=1)
    JobRun.objects.filter(for_day=date(2026, 12, 3)).delete()
    assert not next(s for s in jobs.statuses(now=early) if s.job.name == name).missed


@pytest.mark.django_db
def test_the_admins_operations_page_names_the_jobs_that_missed_their_run(client):
    admin = get_user_model().objects.create_superuser("ops", "ops@example.com", "x-Secret-123")
    client.force_login(admin)
    names = list(jobs.registered())
    for name in names[1:]:
        JobRun.objects.create(job=name, for_day=timezone.localdate(), started_at=timezone.now(), succeeded=True)
    page = client.get("/admin/jxjy_portal/jobrun/").content.decode()
    assert "定时作业运行情况" in page
    assert "有 1 个作业未按时成功运行" in page
    assert names[0] in page.split("有 1 个作业未按时成功运行")[1].split("</p>")[0]
