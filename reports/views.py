"""The dashboard, its charts and the year-end summary."""

import functools
import hashlib

from csp.decorators import csp
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from bases.models import MIN_ANNUAL_TRAINEES
from core import access
from core.exports import Column, respond
from core.pagecache import cached_signed_in_page

from . import charts, selectors

CHARTS = {
    "region": lambda d: charts.bases_by_region(d.by_region),
    "type": lambda d: charts.pie("在册基地机构类型", d.by_type),
    "status": lambda d: charts.pie("基地状态", d.by_status),
    "funnel": lambda d: charts.funnel(d.funnel),
    "training": lambda d: charts.training(d.training, MIN_ANNUAL_TRAINEES),
}


@functools.cache
def figures_template_version() -> str:
    """A digest of the figures' template, so a release that changes it never serves figures rendered by the old."""
    source = get_template("reports/_dashboard_figures.html").template.source
    return hashlib.sha256(source.encode()).hexdigest()[:12]


@cached_signed_in_page
@access.allowed("see_statistics")
def dashboard(request):
    user = request.user
    today = timezone.localdate()
    key = selectors.dashboard_key(user, today)
    # The figures are rendered once per key (the template's cache tag); the counts are read only to render them.
    data = SimpleLazyObject(lambda: selectors.dashboard(user, today, key=key))
    figures_key = f"{key}:{figures_template_version()}" if key else ""
    # A recommender's figures cover its own unit's applications and the bases they led to.
    scope_note = f"（{user.organisation_name}推荐范围）" if access.may(user, "recommend_applications") else ""
    return render(
        request,
        "reports/dashboard.html",
        {"d": data, "charts": CHARTS, "scope_note": scope_note, "figures_key": figures_key},
    )


# An SVG is a document of its own: it gets a policy of its own, allowing only its inline styles.
@csp({"default-src": ["'none'"], "style-src": ["'unsafe-inline'"], "img-src": ["data:"]})
@access.allowed("see_statistics")
def chart(request, name):
    if name not in CHARTS:
        raise Http404
    svg = CHARTS[name](selectors.dashboard(request.user, timezone.localdate()))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    return response


@access.allowed("see_year_summary")
def year_summary(request):
    today = timezone.localdate()
    text = request.GET.get("year", "")
    default = today.year - 1 if today.month < 12 else today.year
    year = int(text) if len(text) == 4 and text.isdigit() and 2000 <= int(text) <= 2100 else default
    summary = selectors.year_summary(year)
    export = respond(
        request,
        rows=summary.recognised_bases,
        filename=f"{year}年度新认定基地",
        columns=[
            Column("基地编号", lambda r: r[0], 24),
            Column("基地名称", lambda r: r[1], 32),
            Column("设区市", lambda r: r[2], 12),
        ],
    )
    if export:
        return export
    return render(request, "reports/year_summary.html", {"s": summary, "years": range(today.year, today.year - 6, -1)})
