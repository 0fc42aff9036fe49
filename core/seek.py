"""Keyset ("seek") pagination for long lists (issue 20).

A page is the rows after (or before) the row where the last page stopped, in an order that an index serves and
that ends with the primary key, so page 500 reads what page 1 reads (no OFFSET); the total is counted up to a
bound (no COUNT over the whole list). The links carry the boundary row's sort key (`after=` / `before=`) and the
page's number (`page=`, shown only); the list's filters stay in the query string.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import BooleanField, F, Func, Value

COUNT_LIMIT = 1000  # counted exactly up to here; above it the page says "1,000 条以上"
SEPARATOR = "~"


class RowCompare(Func):
    """`(a, b, c) > (x, y, z)`: PostgreSQL compares rows element by element, and an index on (a, b, c)
    serves the comparison as a range, so the rows after a cursor are read from where it points."""

    output_field = BooleanField()

    def __init__(self, fields, values, op):
        self.width, self.op = len(fields), op
        super().__init__(*[F(name) for name in fields], *[Value(value) for value in values])

    def as_sql(self, compiler, connection, **extra):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, more = compiler.compile(expression)
            parts.append(sql)
            params.extend(more)
        lhs, rhs = ", ".join(parts[: self.width]), ", ".join(parts[self.width :])
        return f"({lhs}) {self.op} ({rhs})", params


@dataclass
class SeekPage:
    object_list: list
    number: int
    has_previous: bool
    has_next: bool
    previous_cursor: str  # empty when the previous page is the first (its link carries no cursor)
    next_cursor: str
    count: int  # counted up to COUNT_LIMIT + 1
    count_limit: int = COUNT_LIMIT

    @property
    def count_capped(self) -> bool:
        return self.count > self.count_limit

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


class SeekPaginator:
    """Pages of `queryset` in the order of `key`: model field names, all ascending or all descending ("-year"),
    the last unique (e.g. "id"), so that one row comparison finds where a page starts.

    Two queries a page: its rows and the bounded count, whatever the page and the size of the data.
    """

    def __init__(self, queryset, per_page, key, count_limit=None):
        self.queryset, self.per_page, self.order = queryset, per_page, tuple(key)
        self.count_limit = count_limit or COUNT_LIMIT
        self.descending = self.order[0].startswith("-")
        if any(name.startswith("-") != self.descending for name in self.order):
            raise ValueError("A keyset order runs one way: all ascending or all descending.")
        self.key = tuple(name.lstrip("-") for name in self.order)
        model = queryset.model
        self.fields = [model._meta.get_field(name) for name in self.key]
        # a stored generated column parses its values as its output field does
        self.types = [getattr(field, "output_field", field) if field.generated else field for field in self.fields]

    def cursor(self, row) -> str:
        values = [getattr(row, field.attname) for field in self.fields]
        return SEPARATOR.join(value.isoformat() if hasattr(value, "isoformat") else str(value) for value in values)

    def parse(self, text):
        """The sort key a cursor carries, or None when it is not one (then the first page is shown)."""
        parts = (text or "").split(SEPARATOR)
        if len(parts) != len(self.fields):
            return None
        try:
            values = [field.to_python(part) for field, part in zip(self.types, parts, strict=True)]
        except (ValidationError, ValueError, TypeError, OverflowError):
            return None
        return None if any(value is None for value in values) else values

    def page(self, params) -> SeekPage:
        after, before = self.parse(params.get("after")), self.parse(params.get("before"))
        try:
            number = max(1, min(int(params.get("page") or 1), 10**6))
        except ValueError:
            number = 1
        n = self.per_page
        forward, backward = (">", "<") if not self.descending else ("<", ">")
        reverse = [name[1:] if name.startswith("-") else f"-{name}" for name in self.order]
        if after is not None:
            rows = list(self.queryset.filter(RowCompare(self.key, after, forward)).order_by(*self.order)[: n + 1])
            has_next, has_previous = len(rows) > n, True
            rows = rows[:n]
        elif before is not None:
            rows = list(self.queryset.filter(RowCompare(self.key, before, backward)).order_by(*reverse)[: n + 1])
            has_previous, has_next = len(rows) > n, True
            rows = rows[:n][::-1]
        else:
            rows = list(self.queryset.order_by(*self.order)[: n + 1])
            has_next, has_previous, number = len(rows) > n, False, 1
            rows = rows[:n]
        if not has_previous:
            number = 1
        elif number < 2:
            number = 2  # a cursor page with rows before it is at least the second
        count = self.queryset.order_by().values("pk")[: self.count_limit + 1].count()
        return SeekPage(
            object_list=rows,
            number=number,
            has_previous=has_previous,
            has_next=has_next,
            previous_cursor=self.cursor(rows[0]) if has_previous and rows and number > 2 else "",
            next_cursor=self.cursor(rows[-1]) if has_next and rows else "",
            count=count,
            count_limit=self.count_limit,
        )


class AtLeast(int):
    """A count that stopped at its bound: it shows as "1,000+" (a queue, a home page's figure)."""

    def __str__(self):
        return f"{int(self):,}+"


def bounded(n: int, limit: int):
    return AtLeast(limit) if n > limit else n


def bounded_total(counts) -> int:
    """The sum of bounded counts; at least that when one of them stopped at its bound."""
    total = sum(int(n) for n in counts)
    return AtLeast(total) if any(isinstance(n, AtLeast) for n in counts) else total


def bounded_counts(querysets: dict, limit=None) -> dict:
    """How many rows each queryset has, counted up to `limit` (COUNT_LIMIT) each, all in one query: a count
    reads at most limit + 1 index entries, whatever the size of the data. Above it: AtLeast(limit)."""
    limit = limit or COUNT_LIMIT
    if not querysets:
        return {}
    parts, params, using = [], [], None
    for qs in querysets.values():
        sql, more = qs.order_by().values("pk")[: limit + 1].query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS bounded)")
        params.extend(more)
        using = qs.db
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {name: bounded(n, limit) for name, n in zip(querysets, row, strict=True)}
