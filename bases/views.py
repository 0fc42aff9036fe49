"""The signed-in pages about bases: an institution's own, a recommender's, the province's list."""

from django.core.paginator import Paginator
from django.shortcuts import render

from jxjy_portal import timeline
from jxjy_portal.access import role_required
from jxjy_portal.users.models import Role

from . import selectors
from .models import BaseStatus

PAGE_SIZE = 20


def _list(request, title):
    page = Paginator(selectors.bases_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "bases/list.html", {"page_obj": page, "title": title})


@role_required(Role.INSTITUTION)
def mine(request):
    return _list(request, "我的基地")


@role_required(Role.RECOMMENDER)
def recommended(request):
    return _list(request, "本单位推荐的基地")


@role_required(Role.PROVINCE)
def province_list(request):
    return _list(request, "基地名册")


@role_required(Role.INSTITUTION, Role.RECOMMENDER, Role.PROVINCE)
def detail(request, pk):
    base = selectors.base_detail(request.user, pk)
    return render(
        request,
        "bases/detail.html",
        {
            "base": base,
            "timeline": timeline.events_for(base, state_labels=dict(BaseStatus.choices)),
        },
    )
