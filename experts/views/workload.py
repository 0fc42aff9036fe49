"""The province's view of the pool's workload (Art. 26): for a year, how often each expert was drawn, what they
declared, and the scored forms they submitted; exportable as the page shows it."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from core import exports
from core.access import allowed

from .. import exports as columns
from .. import selectors
from ..forms import WorkloadFilterForm
from . import PAGE_SIZE


@allowed("manage_experts")
def workload(request):
    this_year = timezone.localdate().year
    form = WorkloadFilterForm(request.GET or None, initial={"year": this_year})
    filters = form.filters(this_year=this_year)
    qs = selectors.workload(request.user, filters)
    if export := exports.respond(
        request, rows=qs, columns=columns.WORKLOAD, filename=f"专家工作量{filters.year}年", title=f"{filters.year}年"
    ):
        return export
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "experts/workload.html", {"page_obj": page, "form": form, "year": filters.year})
