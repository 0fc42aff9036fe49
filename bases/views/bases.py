"""The lists of bases (an institution's own, a recommender's, the province's register), a base's page and its plaque (Art. 9)."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from applications import hearings
from core import access, decisions, exports, timeline
from core.access import allowed
from core.forms import show_refusal
from core.pagecache import cached_signed_in_page
from core.seek import SeekPaginator

from .. import exports as columns
from .. import panels as base_panels
from .. import plaque as plaque_pdf
from .. import selectors, services
from ..models import Base, BaseStatus
from . import PAGE_SIZE


def _list(request, title):
    if export := exports.respond(
        request, rows=selectors.bases_for(request.user), columns=columns.BASES, filename=title
    ):
        return export
    page = SeekPaginator(selectors.bases_for(request.user), PAGE_SIZE, selectors.BASE_LIST_ORDER).page(request.GET)
    return render(request, "bases/list.html", {"page_obj": page, "title": title})


@cached_signed_in_page
@allowed("list_own_bases")
def mine(request):
    return _list(request, "我的基地")


@cached_signed_in_page
@allowed("list_recommended_bases")
def recommended(request):
    return _list(request, "本单位推荐的基地")


@cached_signed_in_page
@allowed("keep_register")
def province_list(request):
    return _list(request, "基地名册")


@allowed(Base, "view")
def detail(request, pk):
    base = selectors.base_detail(request.user, pk)
    return render(
        request,
        "bases/detail.html",
        {
            "base": base,
            "annual_filings": list(base.annual_filings.order_by("-year")[:6]),
            "fee": getattr(base, "fee_disclosure", None),
            "filings": list(access.visible(request.user, base.change_filings.all()).order_by("-submitted_at")[:10]),
            "inspections": list(access.visible(request.user, base.inspections.all()).order_by("-scheduled_on")[:10]),
            "rectifications": list(
                access.visible(request.user, base.rectifications.all()).order_by("-ordered_at")[:10]
            ),
            "revocation": getattr(base, "revocation", None),
            "decisions": decisions.of(base),
            "suspension": services.current_suspension(base),
            "adjustments": selectors.adjustment_history(base),
            "hearings": hearings.of(base) if access.may(request.user, "see_hearings") else [],
            "timeline": timeline.events_for(base, state_labels=dict(BaseStatus.choices)),
            "panels": base_panels.panels_for(request.user, base),
        },
    )


@allowed(Base, "download_plaque")
def plaque(request, pk):
    """The plaque PDF (Art. 9) for the base's own institution and the province."""
    base = selectors.base_detail(request.user, pk)
    if refused := access.refusal(request.user, "download_plaque", base):
        show_refusal(request, refused)
        return redirect("bases:detail", pk=base.pk)
    response = HttpResponse(plaque_pdf.render(base, request), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"匾牌-{base.register_number}.pdf")
    return response
