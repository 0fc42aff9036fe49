"""The public side, no sign-in needed: the register, a base's page, verification, announcements, open data."""

import csv
import html
import io
import json
import string
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import format_html_join
from django.utils.http import content_disposition_header, urlencode
from django.utils.safestring import mark_safe

from bases.models import Announcement, BaseStatus
from core import uploads
from core.throttle import rate_limit
from supervision.models import InspectionState

from . import guides, selectors
from .cache import cached_public_page, versioned
from .forms import AnnouncementFilterForm, RegisterFilterForm, VerifyForm

PAGE_SIZE = 20


CHOICES_KEY = "public-register:choices"


def _register_filter_form(request) -> RegisterFilterForm:
    """The register's filter form, offering the cities, fields, kinds and years kept between changes."""
    choices = versioned({CHOICES_KEY: lambda _: selectors.register_choices()})[1][CHOICES_KEY]
    return RegisterFilterForm(request.GET or None, choices=choices)


@cached_public_page
def register(request):
    """The published register of bases: search, filters, sorting, pagination.

    Kept between changes of the public facts, read in one round trip with the choices: the number of bases
    the filters find (not for a search: its words are the visitor's) and, for the filter values as sent, what
    the filter form makes of them (FilterFields). Browsing builds no form; a search builds one for its box."""
    data = request.GET
    sent = {name: data[name] for name in RegisterFilterForm.MORE if data.get(name)}
    search = data.get("q", "")
    fields_key = f"public-register:fields:{urlencode(sent)}"
    count_key = None if search.strip() else f"public-register:count:{urlencode(sent)}"
    builders = {
        CHOICES_KEY: lambda _: selectors.register_choices(),
        fields_key: lambda values: FilterFields.of(RegisterFilterForm(sent or None, choices=values[CHOICES_KEY])),
    }
    if count_key:
        builders[count_key] = lambda values: selectors.register_count(values[fields_key].filters)
    found = versioned(builders)[1]
    kept = found[fields_key]
    if search:
        form = RegisterFilterForm(data, choices=found[CHOICES_KEY])
        filters, search_box = form.filters(), form["q"].as_field_group()
    else:
        filters, search_box = kept.filters, kept.search_box
    paginator = selectors.register_paginator(
        filters,
        per_page=PAGE_SIZE,
        count=found.get(count_key),
        after=selectors.parse_cursor(data.get("after")),
        before=selectors.parse_cursor(data.get("before")),
        choices=found[CHOICES_KEY],
    )
    page = paginator.get_page(data.get("page"))
    return render(
        request,
        "public/register.html",
        {
            "search_box": search_box,
            "more_fields": kept.more,
            "more_sent": bool(sent),  # the fields under "更多筛选与排序" open when one of them was sent
            "page_obj": page,
            "rows": _render_rows(page.object_list),
            "cursors": selectors.cursors(page),
        },
    )


@dataclass(frozen=True)
class FilterFields:
    """What the register's filter form makes of the filter values as sent, without a search (public/cache.py
    keeps it per values): the filters, the fields under "更多筛选与排序" as the template's loop over them wrote
    them (they were half the page's rendering), and the empty search box."""

    filters: selectors.RegisterFilters
    more: str
    search_box: str

    @classmethod
    def of(cls, form: RegisterFilterForm) -> "FilterFields":
        more = format_html_join(
            "", '<div class="col-sm-6 col-lg-4">{}</div>', ((form[name].as_field_group(),) for name in form.MORE)
        )
        return cls(filters=form.filters(), more=more, search_box=form["q"].as_field_group())


# A row of the register (the rows are plain values, selectors._PageByIds; the badge is
# partials/_status_badge.html). Written here, not in a template loop: twenty rows of nine values were half the
# page's rendering.
REGISTER_ROW = """
    <tr>
      <td class="text-nowrap d-none d-md-table-cell">{register_number}</td>
      <td><a href="{url}">{name}</a><div class="small text-muted d-md-none">{register_number}</div></td>
      <td>{region__name}</td><td class="d-none d-lg-table-cell">{institution_type__name}</td><td class="d-none d-lg-table-cell">{fields}</td>
      <td class="text-nowrap d-none d-md-table-cell">{recognised}</td>
      <td><span class="badge badge-state state-{status}">{status_label}</span></td>
    </tr>"""


# The values the row shows, as its placeholders name them (each once).
_ROW_VALUES = tuple(dict.fromkeys(name for _, name, _, _ in string.Formatter().parse(REGISTER_ROW) if name))


def _render_rows(rows: list[dict]) -> str:
    """The rows, each value escaped as format_html would (django.utils.html.escape is the standard library's
    html.escape), but only those the row shows, and without the lazy-string wrappers: this is the page's most
    repeated work."""
    return mark_safe(  # noqa: S308 - every value is escaped here
        "".join(REGISTER_ROW.format(**{name: html.escape(str(row[name])) for name in _ROW_VALUES}) for row in rows)
    )


@cached_public_page
def public_detail(request, pk):
    base = selectors.public_base(pk)
    return render(
        request,
        "public/base_detail.html",
        {
            "base": base,
            "fee": getattr(base, "fee_disclosure", None),
            "changes": list(selectors.public_change_history(base)),
            "adjustments": selectors.public_adjustments(base),
            "announcements": list(selectors.announcements_about(base)[:20]),
            # Art. 21: the published inspection results, which the template lists.
            "inspections": list(
                base.inspections.filter(state=InspectionState.PUBLISHED).order_by("-inspected_on", "-id")
            ),
            "decided_end": selectors.decided_end(base),
            "rectification_basis": selectors.rectification_basis(base),
            "decisions": selectors.public_decisions(base),
            "was_commended": not base.commended_at and selectors.was_commended(base),
        },
    )


@rate_limit("verify")
def verify(request, code=None):
    """Is this plaque genuine, and what is the base's status now?"""
    form = VerifyForm(request.GET or None, initial={"code": code})
    looked_up = code or (form.cleaned_data["code"] if form.is_valid() else None)
    base = selectors.base_by_code(looked_up) if looked_up else None
    decided_end = selectors.decided_end(base) if base else None
    suspended = base is not None and base.status == BaseStatus.SUSPENDED
    return render(
        request,
        "public/verify.html",
        {"form": form, "code": looked_up, "base": base, "decided_end": decided_end, "suspended": suspended},
    )


def guide_list(request):
    return render(request, "public/guides.html", {"guides": guides.GUIDES})


def guide(request, slug):
    found = guides.BY_SLUG.get(slug)
    if found is None:
        raise Http404("未找到该办事指南。")
    return render(request, "public/guide.html", {"guide": found, "phone": settings.SERVICE_PHONE})


@cached_public_page
def announcement_list(request):
    form = AnnouncementFilterForm(request.GET or None, years=selectors.announcement_years())
    page = Paginator(selectors.announcements(**form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "public/announcements.html", {"page_obj": page, "form": form})


@cached_public_page
def announcement_detail(request, pk):
    announcement = get_object_or_404(Announcement, pk=pk)
    return render(
        request,
        "public/announcement.html",
        {"announcement": announcement, "decisions": selectors.public_decisions(announcement)},
    )


def decision_pdf(request, pk):
    """A decision the province publishes of its own accord (主动公开): the recognised list or a published
    base's recognition; anything else answers 404 here."""
    decision = selectors.public_decision(pk)
    return uploads.serve(decision.pdf, filename=f"{decision.number}.pdf", content_type="application/pdf")


def open_data(request):
    return render(request, "public/open_data.html", {"fields": selectors.OPEN_DATA_FIELDS})


@rate_limit("open_data")
def open_data_csv(request):
    filters = _register_filter_form(request).filters()
    keys = [key for key, _, _ in selectors.OPEN_DATA_FIELDS]

    def rows():
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=keys)
        yield "\ufeff"  # BOM: Excel opens UTF-8 correctly
        writer.writeheader()
        for record in selectors.open_data_csv_rows(filters):
            writer.writerow(record)
            if buffer.tell() > 32_768:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, "fujian-jxjy-bases.csv")
    return response


@rate_limit("open_data")
def open_data_json(request):
    filters = _register_filter_form(request).filters()

    def chunks():
        yield '{"fields": ' + json.dumps([k for k, _, _ in selectors.OPEN_DATA_FIELDS]) + ', "bases": ['
        first = True
        for record in selectors.open_data_rows(filters):
            yield ("" if first else ",") + json.dumps(record, ensure_ascii=False)
            first = False
        yield "]}"

    return StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
