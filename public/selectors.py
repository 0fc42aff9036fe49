"""Reads of the public side: the register, a base's public page, verification, open data, announcements."""

import functools
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from accounts.models import InstitutionKind, Region, TrainingField
from bases.models import Adjustment, Announcement, AnnouncementKind, Base, BaseStatus, ChangeFiling, ChangeFilingState
from core import decisions
from core.exports import defuse
from core.models import Decision
from supervision.models import RectificationOrder, RectificationState, Revocation

REGISTER_SORTS = {
    "number": ("year", "sequence"),
    "-recognised": ("-recognised_on", "-sequence"),
    "name": ("name",),
    "region": ("region__order", "year", "sequence"),
}


@dataclass(frozen=True)
class RegisterFilters:
    q: str = ""
    region: int | None = None
    field: int | None = None
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
            qs = qs.filter(training_fields=self.field)
        if self.institution_type:
            qs = qs.filter(institution_type=self.institution_type)
        if self.year:
            qs = qs.filter(year=self.year)
        if self.status == "all":
            pass
        elif self.status:
            qs = qs.filter(status=self.status)
        else:
            qs = qs.live()
        return qs.order_by(*REGISTER_SORTS.get(self.sort, REGISTER_SORTS["number"]))


ROW_FIELDS = ("pk", "register_number", "name", "region__name", "institution_type__name", "fields", "recognised_on")


def parse_cursor(text: str | None) -> tuple[int, int] | None:
    """A place in the register's number order, as the page links write it: "2025-12" (year, sequence)."""
    year, _, sequence = (text or "").partition("-")
    if not (year.isdigit() and sequence.isdigit() and len(year) <= 4 and len(sequence) <= 9):
        return None
    return int(year), int(sequence)


class _PageByIds:
    """The register for a Paginator, reading only a page's worth of index entries however deep the page.

    Sorted by number (the default), the links to the next and previous page carry where the page ends or
    begins (`after`, `before`): the page is the next 20 bases past that place in the (year, sequence) index,
    a seek, not an OFFSET. Without such a place (a page number typed in, another sort) OFFSET runs over the
    ids alone (no joins, no wide rows). Either way only the page's rows are read, as plain values ready to
    print: no model instances, no lookups or filters left to the template. Given the names of the cities and
    kinds (`names`: the kept choices, register_choices), the first page and a seek read the base table alone
    (a join and a subquery cost PostgreSQL more to plan than to run); a city or kind not among them is read
    with a join."""

    ordered = True

    def __init__(self, filters: RegisterFilters, count: int | None, after=None, before=None, names=None):
        self.filters = filters
        self.names = names
        self.order = REGISTER_SORTS.get(filters.sort, REGISTER_SORTS["number"])
        self.known_count = count
        by_number = self.order == REGISTER_SORTS["number"]
        self.after = after if by_number else None
        self.before = before if by_number and not self.after else None

    def count(self) -> int:
        return register_count(self.filters) if self.known_count is None else self.known_count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[dict]:
        rows = self._rows(window)
        # one reverse() for the page, not one a row: the address of a base whose id is a placeholder
        url = reverse("public:base", args=[_PLACEHOLDER]).replace(str(_PLACEHOLDER), "{}")
        labels = dict(BaseStatus.choices)
        return [
            {
                **dict(zip(ROW_FIELDS, row, strict=False)),
                "url": url.format(row[0]),
                "recognised": f"{row[6].year}年{row[6].month}月{row[6].day}日",  # |date:"Y年n月j日"
                "status": row[7],
                "status_label": labels.get(row[7], row[7]),
                "place": f"{row[8]}-{row[9]}",  # for parse_cursor
            }
            for row in rows
        ]

    def _rows(self, window: slice) -> list[tuple]:
        """The page's rows: ROW_FIELDS, then status, year and sequence."""
        page = (self.filters, window.start, window.stop - window.start, self.after, self.before)
        if self.names and (self.after or self.before or window.start == 0):
            rows = _page_query(*page, own=True).rows()
            if self.before:
                rows.reverse()  # read backwards from the place
            regions, kinds = self.names
            if all(row[3] in regions and row[4] in kinds for row in rows):
                return [(*row[:3], regions[row[3]], kinds[row[4]], *row[5:]) for row in rows]
        return _page_query(*page, own=False).rows()


class _KeptQuery:
    """A query compiled once and run as often as asked, its rows converted as the ORM would convert them."""

    def __init__(self, queryset: QuerySet):
        self.compiler = queryset.query.get_compiler(queryset.db)
        try:
            self.sql, self.params = self.compiler.as_sql()
        except EmptyResultSet:  # no row can match (an empty page): nothing to ask, as the ORM would not ask
            self.sql = None
        # the columns asked for, without those the ORM added to the select for its ordering
        self.width = self.compiler.col_count if self.compiler.has_extra_select else None

    def rows(self) -> list[tuple]:
        if self.sql is None:
            return []
        with connections[self.compiler.using].cursor() as cursor:
            cursor.execute(self.sql, self.params)
            found = [row[: self.width] for row in cursor.fetchall()] if self.width else cursor.fetchall()
        return list(self.compiler.results_iter(results=[found], tuple_expected=True))


@functools.lru_cache(maxsize=256)
def _page_query(filters: RegisterFilters, start: int, size: int, after, before, *, own: bool) -> _KeptQuery:
    """The query of a page of the register, compiled once per process for each filter, window and place: the ORM
    took longer to build and compile it than PostgreSQL to plan and run it. Everything it reads is in its key
    (no date, no user), so a kept query is as good as a new one. `own`: read from the base table alone, the city
    and kind by their keys (_OWN_COLUMNS); otherwise ROW_FIELDS, status, year and sequence, with their joins."""
    ids = filters.apply(Base.objects.published()).values("pk")
    if after:
        ids = ids.filter(_past("(%s, %s) < (year, sequence)", after))[:size]
    elif before:  # the previous page: the `size` bases just before the place, read backwards
        ids = ids.filter(_past("(year, sequence) < (%s, %s)", before)).order_by("-year", "-sequence")[:size]
    else:
        ids = ids[start : start + size]
    if own:
        return _KeptQuery(ids.values_list(*_OWN_COLUMNS))
    order = REGISTER_SORTS.get(filters.sort, REGISTER_SORTS["number"])
    return _KeptQuery(
        Base.objects.filter(pk__in=ids).order_by(*order).values_list(*ROW_FIELDS, "status", "year", "sequence")
    )


# ROW_FIELDS, status, year and sequence from the base table alone: the city and kind by their keys
_OWN_COLUMNS = ("pk", "register_number", "name", "region_id", "institution_type_id", "fields", "recognised_on")
_OWN_COLUMNS += ("status", "year", "sequence")


def _past(condition: str, place: tuple[int, int]) -> RawSQL:
    """A row comparison the (year, sequence) index answers by seeking to the place (Django has no lookup for
    it); `place` comes from parse_cursor: two integers."""
    return RawSQL(condition, place, output_field=BooleanField())


_PLACEHOLDER = 918273645


def register_paginator(
    filters: RegisterFilters, *, per_page: int, count: int | None = None, after=None, before=None, choices=None
) -> Paginator:
    """The register's pages; `count` when the caller already knows it (public/cache.py keeps it per filter);
    `after`/`before`: the place (parse_cursor) a page link came from, sorted by number; `choices`: the kept
    register_choices(), whose names of cities and kinds spare the rows a join."""
    names = (dict(choices["region"]), dict(choices["institution_type"])) if choices else None
    return Paginator(_PageByIds(filters, count, after, before, names), per_page)


def cursors(page) -> dict[str, str | None]:
    """Where the next page starts and the previous ends, for the links (None: sorted otherwise, or no page)."""
    if not page.object_list or page.paginator.object_list.order != REGISTER_SORTS["number"]:
        return {"after": None, "before": None}
    rows = page.object_list
    return {
        "after": rows[-1]["place"] if page.has_next() else None,
        "before": rows[0]["place"] if page.has_previous() else None,
    }


def register_count(filters: RegisterFilters) -> int:
    return filters.apply(Base.objects.published()).count()


def register_years() -> list[int]:
    return list(Base.objects.published().order_by("-year").values_list("year", flat=True).distinct())


def register_choices() -> dict[str, list[tuple]]:
    """What the register's filters offer: the cities, fields, kinds of institution and recognition years, as
    (value, label) pairs in the order the province keeps them (public/cache.py keeps them between changes)."""
    return {
        "region": [(pk, name) for pk, name in Region.objects.values_list("pk", "name")],
        "field": [(pk, name) for pk, name in TrainingField.objects.values_list("pk", "name")],
        "institution_type": [(code, name) for code, name in InstitutionKind.objects.values_list("code", "name")],
        "year": [(year, f"{year}年") for year in register_years()],
    }


def public_base(pk) -> Base:
    return get_object_or_404(
        Base.objects.published().select_related(
            "region", "batch", "institution", "institution_type", "fee_disclosure", "merged_into"
        ),
        pk=pk,
    )


def decided_end(base: Base):
    """A decision that ends the base on a date still to come (SPEC 2.7), or None."""
    return Revocation.objects.filter(base=base, took_effect_at=None, set_aside_on=None).first()


def rectification_basis(base: Base) -> list[Decision]:
    """The rectification decisions a base under rectification rests on, oldest first (Art. 23, SPEC 2.10).

    The public sees only their 文号 and title: the findings, and a result not yet published (Art. 21),
    stay inside the portal."""
    if base.status != BaseStatus.RECTIFYING:
        return []
    pending = RectificationOrder.objects.filter(
        base=base, state__in=[RectificationState.OPEN, RectificationState.REPORTED, RectificationState.FAILED]
    ).values("decision_id")
    return list(Decision.objects.filter(pk__in=pending).only("id", "number", "title").order_by("decided_on", "id"))


def was_commended(base: Base) -> bool:
    """Was the base ever held up as an example (Art. 22)? The commendation itself ends with the base's
    recognition or an order to rectify; its history stays."""
    return base.listed_in.filter(kind=AnnouncementKind.COMMENDATION).exists()


def public_change_history(base: Base) -> QuerySet[ChangeFiling]:
    return base.change_filings.filter(state=ChangeFilingState.ACCEPTED).order_by("-decided_at")


def public_adjustments(base: Base) -> list[Adjustment]:
    """The province's adjustments of the base and its merger, newest first, each published with its decision
    (Art. 4): the register history shows what each field read before and after."""
    return list(base.adjustments.select_related("decision", "merged_into").order_by("-effective_on", "-id"))


def base_by_code(code: str) -> Base | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 16 or not code.isascii() or not code.isalnum():
        return None  # verification codes are letters and digits only; anything else is simply unknown
    return Base.objects.published().select_related("region", "merged_into").filter(verification_code=code).first()


OPEN_DATA_FIELDS = [
    ("register_number", "基地编号", "register_number"),
    ("name", "基地名称", "name"),
    ("institution_name", "建设单位", "institution__name"),
    ("credit_code", "统一社会信用代码", "institution__credit_code"),
    ("region", "所在设区市", "region__name"),
    ("institution_type", "机构类型", "institution_type__name"),
    ("fields", "培训领域", "fields"),
    ("recognised_on", "认定日期", "recognised_on"),
    ("batch", "认定批次", "batch__name"),
    ("status", "状态", "status"),
    ("address", "地址", "address"),
    ("phone", "联系电话", "phone"),
    ("website", "网站", "website"),
    # Art. 4: a merged base's entry names the base it was merged into (its register number)
    ("merged_into", "并入基地", "merged_into__register_number"),
]


def open_data_rows(filters: RegisterFilters):
    """The register as plain rows for CSV/JSON, streamed from the database in chunks."""
    qs = filters.apply(Base.objects.published()).values_list(*[path for _, _, path in OPEN_DATA_FIELDS])
    status_labels = dict(BaseStatus.choices)
    for row in qs.iterator(chunk_size=500):
        record = dict(zip([key for key, _, _ in OPEN_DATA_FIELDS], row, strict=True))
        record["status"] = status_labels.get(record["status"], record["status"])
        record["recognised_on"] = record["recognised_on"].isoformat()
        record["merged_into"] = record["merged_into"] or ""  # Art. 4: empty unless the base was merged
        yield record


def open_data_csv_rows(filters: RegisterFilters):
    """The same rows for the CSV file, with text a spreadsheet would run as a formula defused."""
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


def announcements(*, q: str = "", kind: str = "", year: int | None = None) -> QuerySet[Announcement]:
    """Published announcements, newest first; searched in title, body and 文号, by kind and year."""
    rows = Announcement.objects.only("id", "kind", "title", "number", "published_at")
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(body__icontains=q) | Q(number__icontains=q))
    if kind:
        rows = rows.filter(kind=kind)
    if year:
        rows = rows.filter(published_at__year=year)
    return rows.order_by("-published_at", "-id")


def announcement_years() -> list[int]:
    return sorted({d.year for d in Announcement.objects.dates("published_at", "year")}, reverse=True)


REGISTER_STATUS_CHOICES = [
    ("", "在册（正常、整改中、暂停）"),
    (BaseStatus.ACTIVE, "正常"),
    (BaseStatus.RECTIFYING, "整改中"),
    (BaseStatus.SUSPENDED, "暂停"),
    (BaseStatus.REVOKED, "已撤销"),
    (BaseStatus.CANCELLED, "已取消"),
    (BaseStatus.MERGED, "已合并"),
    ("all", "全部"),
]


# -- decisions the province makes public of its own accord (主动公开) ----------------------------------------

# Only decisions that grant and are published: the published list, and the recognition of a published base.
# Adverse decisions (refusal, rectification, revocation, ...) concern a party and stay with those in scope.
PUBLIC_DECISION_KINDS = tuple(decisions.PUBLISHED_KINDS)


def _is_published(subject) -> bool:
    if isinstance(subject, Announcement):
        return True
    if isinstance(subject, Base):
        return subject.published_at is not None
    return False


def public_decisions(subject) -> list[Decision]:
    """The decisions about `subject` anyone may read: published, granting kinds only."""
    if not _is_published(subject):
        return []
    return [d for d in decisions.of(subject) if d.kind in PUBLIC_DECISION_KINDS and not d.adverse]


def public_decision(pk) -> Decision:
    """One decision for the public, or 404: never an adverse one, never about something unpublished."""
    decision = get_object_or_404(
        Decision.objects.select_related("content_type"), pk=pk, kind__in=PUBLIC_DECISION_KINDS, adverse=False
    )
    if not _is_published(decision.subject):
        raise Http404("未找到该决定文书。")
    return decision
