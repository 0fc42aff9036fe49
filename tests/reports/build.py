"""Records for the report tests, built with known figures, and readers for what an export contains."""

import codecs
import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
from django.http import StreamingHttpResponse
from django.utils import timezone

from accounts.models import InstitutionType, Role
from applications.models import Bar, BarKind, Batch, State
from bases.models import AnnualFiling, Base, BaseStatus, FilingState
from supervision.models import (
    CancellationRequest,
    Ground,
    Inspection,
    InspectionKind,
    InspectionState,
    RectificationOrder,
    RectificationState,
    Revocation,
    RevocationGround,
)
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2025, 6, 15)
FUZHOU, XIAMEN = "350100", "350200"


def at(*args) -> datetime:
    """A moment on the Asia/Shanghai clock."""
    return datetime(*args, tzinfo=SHANGHAI)


# -- records ------------------------------------------------------------------------------------------


def closed_batch(name: str, year: int = 2024, **fields) -> Batch:
    """A batch whose call is over (so it is not listed among the open batches of an institution's page)."""
    fields.setdefault("opens_on", date(year, 3, 1))
    fields.setdefault("closes_on", fields["opens_on"] + timedelta(days=30))
    return factories.BatchFactory(name=name, year=year, **fields)


def application(name: str, *, state=State.SUBMITTED, code=FUZHOU, institution=None, batch=None, **fields):
    """An application of a new institution `name` (or of `institution`), routed to its city's HR bureau."""
    institution = institution or factories.InstitutionFactory(name=name, region=factories.region(code))
    if state != State.DRAFT and "submitted_at" not in fields and state != State.WITHDRAWN:
        fields["submitted_at"] = fields["last_submitted_at"] = timezone.now()
    if batch is not None:
        fields["batch"] = batch
    return factories.ApplicationFactory(institution=institution, state=state, **fields)


def base(
    name: str,
    *,
    code=FUZHOU,
    kind=InstitutionType.TRAINING,
    status=BaseStatus.ACTIVE,
    institution=None,
    batch=None,
    recognised_on: date | None = None,
    **fields,
) -> Base:
    """A recognised base called `name` (its institution has the same name) in the city `code`."""
    institution = institution or factories.InstitutionFactory(name=name, region=factories.region(code), type=kind)
    app = application(name, state=State.APPROVED, institution=institution, batch=batch or closed_batch("往年认定批次"))
    if recognised_on is not None:
        fields.setdefault("year", recognised_on.year)
        fields["recognised_on"] = recognised_on
    return factories.BaseFactory(application=app, name=name, status=status, institution_type=kind, **fields)


def filing(the_base: Base, year: int, trained: int | None, *, state=FilingState.SUBMITTED, plan=1200, **fields):
    return AnnualFiling.objects.create(
        base=the_base,
        year=year,
        state=state,
        trained_total=trained,
        plan_trainees=plan,
        submitted_at=timezone.now() if state != FilingState.DRAFT else None,
        **fields,
    )


def province_staff():
    return factories.UserFactory(role=Role.PROVINCE)


def inspection(the_base: Base, *, kind=InspectionKind.PERIODIC, state=InspectionState.CONFIRMED, on=None, **fields):
    """An inspection of `the_base` carried out on `on` (scheduled that day)."""
    fields.setdefault("created_by", fields.pop("by", None) or province_staff())
    return Inspection.objects.create(
        base=the_base,
        kind=kind,
        state=state,
        scheduled_on=on or TODAY,
        inspected_on=on if state != InspectionState.SCHEDULED else None,
        **fields,
    )


def order(the_base: Base, *, state=RectificationState.OPEN, deadline=None, ordered_at=None, by=None, **fields):
    o = RectificationOrder.objects.create(
        base=the_base,
        ground=fields.pop("ground", Ground.NONCOMPLIANCE),
        findings="未按要求开展继续教育工作。",
        deadline=deadline or date(2025, 9, 30),
        state=state,
        ordered_by=by or province_staff(),
        **fields,
    )
    if ordered_at is not None:  # auto_now_add: set afterwards
        RectificationOrder.objects.filter(pk=o.pk).update(ordered_at=ordered_at)
        o.refresh_from_db()
    return o


def revocation(the_base: Base, effective_on: date, ground=RevocationGround.FAILED_RECTIFICATION, by=None):
    cancelled = ground == RevocationGround.REQUESTED
    Base.objects.filter(pk=the_base.pk).update(
        status=BaseStatus.CANCELLED if cancelled else BaseStatus.REVOKED, status_changed_on=effective_on
    )
    return Revocation.objects.create(
        base=the_base,
        ground=ground,
        article="第二十三条",
        reason="整改期满仍不合格。",
        effective_on=effective_on,
        decided_by=by or province_staff(),
    )


def cancellation(the_base: Base, requested_by=None, **fields) -> CancellationRequest:
    requested_by = requested_by or factories.InstitutionUserFactory(institution=the_base.institution)
    return CancellationRequest.objects.create(
        base=the_base, requested_by=requested_by, requester_role=requested_by.role, reason="工作调整。", **fields
    )


def bar(name: str, *, starts_on: date, last_day: date | None, kind=BarKind.REVOCATION, code=FUZHOU) -> Bar:
    institution = factories.InstitutionFactory(name=name, region=factories.region(code))
    return factories.BarFactory(institution=institution, kind=kind, starts_on=starts_on, last_day=last_day)


# -- reading exports and pages --------------------------------------------------------------------------


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


class Sheet:
    """An exported workbook's first sheet: its header, its rows of values and the cells' number formats."""

    def __init__(self, response):
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert ".xlsx" in response["Content-Disposition"]
        self.workbook = openpyxl.load_workbook(io.BytesIO(body(response)))
        self.ws = self.workbook.worksheets[0]
        cells = list(self.ws.iter_rows())
        self.header = [c.value for c in cells[0]]
        self.rows = [[c.value for c in row] for row in cells[1:]]
        self.formats = [[c.number_format for c in row] for row in cells[1:]]

    def column(self, header: str) -> list:
        i = self.header.index(header)
        return [row[i] for row in self.rows]

    def matches_csv(self, rows: list[list[str]]) -> bool:
        """Whether CSV rows (header excluded) hold the same values; the workbook keeps times to the millisecond."""
        assert len(rows) == len(self.rows), (len(rows), len(self.rows))
        for text_row, row, formats in zip(rows, self.rows, self.formats, strict=True):
            assert len(text_row) == len(row), (text_row, row)
            for text, value, fmt in zip(text_row, row, formats, strict=True):
                if value is None:
                    assert text == "", (text, value)
                elif isinstance(value, datetime) and fmt == "yyyy-mm-dd":
                    assert text == value.date().isoformat(), (text, value)
                elif isinstance(value, datetime):
                    assert abs(datetime.fromisoformat(text) - value) < timedelta(milliseconds=1), (text, value)
                else:
                    assert text == str(value), (text, value)
        return True


def read_csv(response) -> list[list[str]]:
    """The CSV export's rows, header first; it must stream and start with a UTF-8 BOM for Excel."""
    assert response.status_code == 200, response.status_code
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    assert ".csv" in response["Content-Disposition"]
    raw = body(response)
    assert raw.startswith(codecs.BOM_UTF8), raw[:10]
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
