"""Reads of bases for the signed-in sides (the public register arrives with its own selectors)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.shortcuts import get_object_or_404

from jxjy_portal import access
from jxjy_portal.users.models import InstitutionType

from .models import Announcement, AnnualFiling, Base, BaseStatus, ChangeFiling, ChangeFilingState, FilingState

LIST_FIELDS = (
    "id",
    "name",
    "register_number",
    "recognised_on",
    "status",
    "year",
    "sequence",
    "fields",
    "region__name",
    "institution_type",
    "batch__name",
)


def bases_for(user) -> QuerySet[Base]:
    return (
        access.visible(user, Base.objects.all())
        .select_related("region", "batch")
        .only(*LIST_FIELDS)
        .order_by("-year", "-sequence")
    )


def base_detail(user, pk) -> Base:
    return access.get_visible_or_404(
        user, Base.objects.select_related("institution", "region", "batch", "application"), pk=pk
    )


# -- the public side ---------------------------------------------------------------------------------

REGISTER_STATUS_CHOICES = [
    ("", "在册（正常、整改中）"),
    (BaseStatus.ACTIVE, "正常"),
    (BaseStatus.RECTIFYING, "整改中"),
    (BaseStatus.REVOKED, "已撤销"),
    (BaseStatus.CANCELLED, "已取消"),
    ("all", "全部"),
]
REGISTER_SORTS = {
    "number": ("year", "sequence"),
    "-recognised": ("-recognised_on", "-sequence"),
    "name": ("name",),
    "region": ("region__order", "year", "sequence"),
}
PUBLIC_FIELDS = (
    "id",
    "name",
    "register_number",
    "recognised_on",
    "status",
    "year",
    "sequence",
    "fields",
    "institution_type",
    "region__name",
    "region__order",
    "batch__name",
)


@dataclass
class RegisterFilters:
    q: str = ""
    region: int | None = None
    field: str = ""
    institution_type: str = ""
    year: int | None = None
    status: str = ""
    sort: str = "number"

    def apply(self, qs):
        if self.q:
            qs = qs.filter(Q(name__icontains=self.q) | Q(register_number__icontains=self.q))
        if self.region:
            qs = qs.filter(region_id=self.region)
        if self.field:
            qs = qs.filter(fields__icontains=self.field)
        if self.institution_type:
            qs = qs.filter(institution_type=self.institution_type)
        if self.year:
            qs = qs.filter(year=self.year)
        if self.status == "all":
            pass
        elif self.status:
            qs = qs.filter(status=self.status)
        else:
            qs = qs.filter(status__in=[BaseStatus.ACTIVE, BaseStatus.RECTIFYING])
        return qs.order_by(*REGISTER_SORTS.get(self.sort, REGISTER_SORTS["number"]))


def register_page(filters: RegisterFilters) -> QuerySet[Base]:
    """The published register, filtered and sorted, shaped for one list query."""
    return filters.apply(Base.objects.published().select_related("region", "batch").only(*PUBLIC_FIELDS))


def register_years() -> list[int]:
    return list(Base.objects.published().order_by("-year").values_list("year", flat=True).distinct())


def public_base(pk) -> Base:
    return get_object_or_404(
        Base.objects.published().select_related("region", "batch", "institution", "fee_disclosure"), pk=pk
    )


def public_change_history(base: Base) -> QuerySet[ChangeFiling]:
    return base.change_filings.filter(state=ChangeFilingState.ACCEPTED).order_by("-decided_at")


def base_by_code(code: str) -> Base | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 16 or not code.isascii() or not code.isalnum():
        return None  # verification codes are letters and digits only; anything else is simply unknown
    return Base.objects.published().select_related("region").filter(verification_code=code).first()


OPEN_DATA_FIELDS = [
    ("register_number", "基地编号", "register_number"),
    ("name", "基地名称", "name"),
    ("institution_name", "建设单位", "institution__name"),
    ("credit_code", "统一社会信用代码", "institution__credit_code"),
    ("region", "所在设区市", "region__name"),
    ("institution_type", "机构类型", "institution_type"),
    ("fields", "培训领域", "fields"),
    ("recognised_on", "认定日期", "recognised_on"),
    ("batch", "认定批次", "batch__name"),
    ("status", "状态", "status"),
    ("address", "地址", "address"),
    ("phone", "联系电话", "phone"),
    ("website", "网站", "website"),
]


def open_data_rows(filters: RegisterFilters):
    """The register as plain rows for CSV/JSON, streamed from the database in chunks."""
    qs = filters.apply(Base.objects.published()).values_list(*[path for _, _, path in OPEN_DATA_FIELDS])
    type_labels, status_labels = dict(InstitutionType.choices), dict(BaseStatus.choices)
    for row in qs.iterator(chunk_size=500):
        record = dict(zip([key for key, _, _ in OPEN_DATA_FIELDS], row, strict=True))
        record["institution_type"] = type_labels.get(record["institution_type"], record["institution_type"])
        record["status"] = status_labels.get(record["status"], record["status"])
        record["recognised_on"] = record["recognised_on"].isoformat()
        yield record


def open_data_csv_rows(filters: RegisterFilters):
    """The same rows for the CSV file, with text a spreadsheet would run as a formula defused."""
    from reports.exports import defuse

    for record in open_data_rows(filters):
        yield {k: defuse(v) if isinstance(v, str) else v for k, v in record.items()}


def announcements_about(base: Base) -> QuerySet[Announcement]:
    """Announcements naming the base: its own and the lists it appears in (recognition, results, ...)."""
    return (
        Announcement.objects.filter(Q(base=base) | Q(bases=base))
        .distinct()
        .only("id", "kind", "title", "published_at")
        .order_by("-published_at", "-id")
    )


def announcements() -> QuerySet[Announcement]:
    return Announcement.objects.only("id", "kind", "title", "published_at").order_by("-published_at", "-id")


def change_filings_for(user) -> QuerySet[ChangeFiling]:
    return access.visible(user, ChangeFiling.objects.all()).select_related("base").order_by("-submitted_at", "-id")


# -- annual filings (Art. 19) ------------------------------------------------------------------------------


@dataclass
class FilingFilters:
    year: int | None = None
    state: str = ""
    region: int | None = None
    flagged: bool = False
    overdue: bool = False


def filing_queue(user, filters: FilingFilters) -> QuerySet[AnnualFiling]:
    qs = access.visible(user, AnnualFiling.objects.all()).select_related("base__region")
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.state:
        qs = qs.filter(state=filters.state)
    else:
        qs = qs.exclude(state=FilingState.DRAFT, overdue_marked_at=None)
    if filters.region:
        qs = qs.filter(base__region_id=filters.region)
    if filters.flagged:
        qs = qs.flagged()
    if filters.overdue:
        qs = qs.filter(overdue_marked_at__isnull=False)
    order = Case(When(state=FilingState.SUBMITTED, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.annotate(waiting=order).order_by("waiting", "-year", "submitted_at", "id")


def filings_of_institution(user) -> QuerySet[AnnualFiling]:
    return access.visible(user, AnnualFiling.objects.all()).select_related("base").order_by("-year", "base_id")


def filing_detail(user, pk) -> AnnualFiling:
    return access.get_visible_or_404(
        user, AnnualFiling.objects.select_related("base__region", "base__institution"), pk=pk
    )


def year_overview(year: int, today) -> QuerySet[Base]:
    """Every base that must file for `year`, with its filing's state, submission time and overdue mark."""
    filing = AnnualFiling.objects.filter(base=OuterRef("pk"), year=year)
    return (
        Base.objects.active()
        .filter(recognised_on__lte=min(today, date(year, 12, 31)))
        .select_related("region")
        .only("id", "name", "register_number", "year", "sequence", "region__name", "status")
        .annotate(
            filing_id=Subquery(filing.values("id")[:1]),
            filing_state=Subquery(filing.values("state")[:1]),
            filing_submitted_at=Subquery(filing.values("submitted_at")[:1]),
            filing_overdue=Subquery(filing.values("overdue_marked_at")[:1]),
        )
        .order_by("year", "sequence")
    )
