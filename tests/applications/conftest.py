"""Fixtures for the application tests: applications moved to any state through the services, the edit
page's POST data, and a recorder of what one step notified."""

import io
import zipfile
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.forms import CheckboxInput

from applications import services
from applications.forms import ApplicationForm, person_initial
from applications.models import Application, State
from bases import services as recognition
from core.models import Notification, TimelineEvent
from tests import factories

# -- small real files of each accepted kind ---------------------------------------------------------

# A 1x1 PNG: signature, IHDR, IDAT, IEND.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082"
)


def _ooxml(parts: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return buf.getvalue()


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
TINY_DOCX = _ooxml(
    {
        "[Content_Types].xml": CONTENT_TYPES,
        "word/document.xml": '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>制度</w:t></w:r></w:p></w:body></w:document>',
    }
)
TINY_XLSX = _ooxml(
    {
        "[Content_Types].xml": CONTENT_TYPES,
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><sheets/></workbook>',
    }
)
TINY_DOCM = _ooxml(
    {
        "[Content_Types].xml": CONTENT_TYPES,
        "word/document.xml": "<w:document/>",
        "word/vbaProject.bin": "macro",
    }
)
FAKE_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def upload(name: str, content: bytes = factories.TINY_PDF, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# -- users ----------------------------------------------------------------------------------------------


@pytest.fixture
def xiamen_recommender(db):
    """A recommender of another unit (厦门市人社局)."""
    return factories.RecommenderUserFactory(region=factories.region("350200"))


@pytest.fixture
def batch(db):
    return factories.BatchFactory(name="2025年第一批")


@pytest.fixture
def draft(institution_user, batch):
    """A complete draft of institution_user's institution (福州, so routed to recommender_user's unit)."""
    return complete_draft(institution_user, batch)


def complete_draft(user, batch=None, **fields) -> Application:
    kwargs = {"institution": user.institution, "created_by": user, **fields}
    if batch is not None:
        kwargs["batch"] = batch
    return factories.ApplicationFactory(complete=True, **kwargs)


# -- moving an application along through the services ---------------------------------------------

PATH = [
    State.SUBMITTED,
    State.RECOMMENDED,
    State.UNDER_REVIEW,
    State.SITE_VISIT,
    "visit_recorded",
    State.APPROVED,
]


@pytest.fixture
def drive(institution_user, recommender_user, province_user):
    """drive(app, to=state): walk the application along the main path through the services."""

    def walk(app, to, *, institution=None, recommender=None, province=None, recognised_on=None):
        inst = institution or app.created_by
        rec = recommender or recommender_user
        prov = province or province_user
        steps = {
            State.SUBMITTED: lambda: services.submit(actor=inst, application_id=app.pk),
            State.RECOMMENDED: lambda: services.transition(
                actor=rec, application_id=app.pk, action="recommend", comment="同意推荐"
            ),
            State.UNDER_REVIEW: lambda: services.transition(actor=prov, application_id=app.pk, action="start_review"),
            # visited on the day the batch opened, recognised today: the order Art. 8(4) requires
            State.SITE_VISIT: lambda: services.schedule_visit(
                actor=prov, application_id=app.pk, scheduled_on=app.batch.opens_on, team="张三、李四"
            ),
            "visit_recorded": lambda: services.record_visit(
                actor=prov, application_id=app.pk, findings="场地、师资与申报一致"
            ),
            State.APPROVED: lambda: (
                factories.ended_notice(app),
                recognition.approve(actor=prov, application_id=app.pk, recognised_on=recognised_on),
            )[1],
        }
        result = None
        for state in PATH[: PATH.index(to) + 1]:
            result = steps[state]()
        app.refresh_from_db()
        return result

    return walk


# -- what a record shows ----------------------------------------------------------------------------


def events(app) -> list[TimelineEvent]:
    return list(
        TimelineEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Application), object_id=app.pk
        ).order_by("id")
    )


def last_event(app, action: str | None = None) -> TimelineEvent:
    evs = [e for e in events(app) if action is None or e.action == action]
    assert evs, f"no timeline event {action or ''} on application {app.pk}"
    return evs[-1]


@pytest.fixture
def step(django_capture_on_commit_callbacks):
    """`with step() as s:` runs one action with on-commit callbacks executed; afterwards s.notes are the
    notifications it wrote, s.recipients their users, s.mails the e-mails sent for them after commit and
    s.mailed_to their addresses."""

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
        # The outbox sweep also sends mail left unsent by earlier, uncaptured steps: keep this step's own.
        own = {(n.title, n.recipient.email) for n in s.notes}
        s.mails = [m for m in mail.outbox if (m.subject, m.to[0]) in own]
        s.mailed_to = {addr for m in s.mails for addr in m.to}

    return run


# -- the edit page --------------------------------------------------------------------------------


def edit_data(app: Application, *, submit: bool = False, people: list[dict] | None = None, **overrides) -> dict:
    """What the edit page posts back unchanged (every field and person row), with overrides applied."""
    form = ApplicationForm(instance=app, institution=app.institution, batch=app.batch)
    values = {name: form[name].value() for name in form.fields}
    values.update(overrides)
    data = {}
    for name, field in form.fields.items():
        value = values[name]
        if isinstance(field.widget, CheckboxInput):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    rows = person_initial(app) if people is None else people
    data.update(
        {
            "people-TOTAL_FORMS": str(len(rows)),
            "people-INITIAL_FORMS": "0",
            "people-MIN_NUM_FORMS": "0",
            "people-MAX_NUM_FORMS": "1000",
        }
    )
    for i, row in enumerate(rows):
        for key in ("id", "kind", "name", "degree", "title", "specialty"):
            value = row.get(key)
            data[f"people-{i}-{key}"] = "" if value is None else value
        if row.get("full_time", True):
            data[f"people-{i}-full_time"] = "on"
    data["expected_state"] = app.state
    data["submit" if submit else "save"] = "1"
    return data
