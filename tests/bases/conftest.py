"""Fixtures for the annual filing tests (Art. 19): a frozen Asia/Shanghai clock, bases with their own
institution staff, the edit page's POST data, and a recorder of what one step notified (inbox rows, and the
e-mails sent for them after commit)."""

import re
from contextlib import contextmanager
from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db.models import Max

from accounts.models import Role
from bases.models import AnnualFiling, BaseStatus, FilingPart, ServiceForm
from core.models import Notification, TimelineEvent
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")
FUZHOU, XIAMEN = "350100", "350200"
RECOGNISED = date(2025, 7, 1)


def at(year, month, day, hour=10, minute=0) -> datetime:
    """A moment on the wall clock in Fujian."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _sessions_outlive_the_frozen_clock(settings):
    """The journeys jump days ahead on a frozen clock; an 8-hour session would sign everyone out. Sessions
    and cached pages stay in this process's memory, never in the shared Redis of REDIS_URL."""
    settings.SESSION_COOKIE_AGE = 400 * 24 * 3600
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "filings"}}


@pytest.fixture
def clock():
    """clock(moment) freezes time there (tick=False); call it again to move; undone after the test."""
    travellers = []

    def freeze(moment: datetime):
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        travellers.append(traveller)
        return moment

    yield freeze
    for traveller in reversed(travellers):
        traveller.stop()


# -- bases and people ---------------------------------------------------------------------------------


def make_base(
    *,
    code: str = FUZHOU,
    status: str = BaseStatus.ACTIVE,
    recognised_on: date = RECOGNISED,
    **fields,
):
    """A published base of an institution in city `code`, routed there; `base.staff` is its institution user."""
    institution = factories.InstitutionFactory(region=factories.region(code))
    # The application's author is the institution's one account (ApplicationFactory would add another).
    user = factories.InstitutionUserFactory(institution=institution)
    application = factories.ApplicationFactory(institution=institution, created_by=user, state="approved")
    base = factories.BaseFactory(
        application=application,
        status=status,
        year=recognised_on.year,
        recognised_on=recognised_on,
        published_at=datetime(recognised_on.year, recognised_on.month, recognised_on.day, tzinfo=SHANGHAI),
        **fields,
    )
    base.staff = user
    return base


@pytest.fixture
def base(db):
    return make_base()


@pytest.fixture
def inst(base):
    return base.staff


@pytest.fixture
def province(db):
    return factories.UserFactory(role=Role.PROVINCE, full_name="省厅审核员")


@pytest.fixture
def province2(db):
    return factories.UserFactory(role=Role.PROVINCE, full_name="省厅复核员")


# -- what a filing holds -------------------------------------------------------------------------------

COMPLETE = {
    "plan_execution": "全年完成公需科目和专业科目培训，执行率100%。",
    "trained_total": 1500,
    "priority_area_trainees": 120,
    "fees_charged": "公需科目每人每学时20元，全年收费30万元。",
    "plan_trainees": 1600,
    "plan_description": "下一年度计划举办公需科目培训8期、专业科目培训6期。",
}
REPORT_ROW = {
    "part": FilingPart.REPORT,
    "form": ServiceForm.PUBLIC_OR_PROFESSIONAL,
    "count": 12,
    "trainees": 1500,
}
PLAN_ROW = {
    "part": FilingPart.PLAN,
    "form": ServiceForm.COMMISSIONED,
    "count": 14,
    "trainees": 1600,
}


def filing_post(
    state: str,
    *,
    submit: bool = False,
    rows: list[dict] | None = None,
    **fields,
) -> dict:
    """The edit page's POST: the report and plan fields, the programme rows and the state the page showed."""
    data = {k: "" if v is None else v for k, v in fields.items()}
    rows = rows or []
    data.update(
        {
            "programmes-TOTAL_FORMS": str(len(rows)),
            "programmes-INITIAL_FORMS": "0",
            "programmes-MIN_NUM_FORMS": "0",
            "programmes-MAX_NUM_FORMS": "24",
            "expected_state": state,
            ("submit" if submit else "save"): "1",
        }
    )
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"programmes-{i}-{key}"] = value
    return data


def complete_filing(base, year: int = 2026, **fields) -> AnnualFiling:
    """A filing with everything Art. 19 asks for, in any state (default: submitted)."""
    values = {**COMPLETE, "state": "submitted", **fields}
    filing = factories.AnnualFilingFactory(base=base, year=year, **values)
    filing.programmes.create(**REPORT_ROW)
    filing.programmes.create(**PLAN_ROW)
    return filing


# -- what a page or a record shows ---------------------------------------------------------------------


def html(response) -> str:
    return response.content.decode()


def messages_on(response) -> list[str]:
    """The flash messages the page shows."""
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(r'role="alert">(.*?)</div>', html(response), re.S)]


def field_block(page: str, name: str) -> str:
    """The markup of one field group (label, widget, errors) on a page."""
    match = re.search(rf'id="field-{re.escape(name)}".*?</div>', page, re.S)
    assert match, f"no field {name} on the page"
    return match.group(0)


def listed_filings(response) -> list[int]:
    """The filings linked from a page, in the order shown."""
    return [int(pk) for pk in re.findall(r'href="/bases/filings/(\d+)/"', html(response))]


def events(filing) -> list[TimelineEvent]:
    return list(
        TimelineEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(AnnualFiling), object_id=filing.pk
        ).order_by("id")
    )


@pytest.fixture
def step(django_capture_on_commit_callbacks):
    """`with step() as s:` runs one action with on-commit callbacks executed; afterwards s.notes are the
    notifications it wrote, s.recipients their users, s.mails the e-mails sent after commit."""

    @contextmanager
    def run():
        mail.outbox.clear()
        last = Notification.objects.aggregate(m=Max("id"))["m"] or 0
        s = SimpleNamespace()
        with django_capture_on_commit_callbacks(execute=True):
            yield s
        s.notes = list(Notification.objects.filter(id__gt=last).select_related("recipient").order_by("id"))
        s.recipients = {n.recipient for n in s.notes}
        s.titles = [n.title for n in s.notes]
        s.mails = list(mail.outbox)
        s.mailed_to = sorted(addr for m in s.mails for addr in m.to)

    return run
