"""An expert's seats (Art. 26): the list, one seat with the case it is about, and its steps — the declaration
of no conflict that opens the case's files, a declared conflict or a refusal, each with its reason, and the
province's withdrawal of an expert. Each step is a page of its own (the second step of two), so the typed
reason comes back with the message when it is refused."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from core import access, timeline
from core.access import allowed
from core.errors import RuleViolation
from core.forms import show_refusal

from .. import selectors, services
from ..forms import DeclarationForm, ReasonForm
from ..models import Assignment, AssignmentState
from ..workflow import ASSIGNMENT_WORKFLOW
from . import PAGE_SIZE

SEATS = Assignment.objects.select_related("panel__institution__region", "expert", "draw")

# What each step's page asks for (the reason's label) and what its button says.
STEPS = {
    "declare": {"button": "提交声明"},
    "conflict": {"label": "与被评审机构的利害关系", "button": "申报利害关系并退出本次评审"},
    "refuse": {"label": "不能参加的原因", "button": "确认谢绝参加"},
    "withdraw": {"label": "撤回原因", "button": "撤回并抽取替补专家"},
}


@allowed(Assignment, "view")
def assignment_list(request):
    page = Paginator(selectors.assignments_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "experts/assignments.html", {"page_obj": page})


@allowed(Assignment, "view", load="pk", queryset=SEATS)
def assignment_detail(request, assignment):
    sheets = selectors.seat_sheets(assignment, request.user)
    return render(
        request,
        "experts/assignment.html",
        {
            "assignment": assignment,
            "panel": assignment.panel,
            "declaration": assignment.declaration or services.DECLARATION,
            "steps": ASSIGNMENT_WORKFLOW.available(assignment, request.user),
            "timeline": timeline.events_for(assignment, state_labels=dict(AssignmentState.choices)),
            "sheets": sheets,
            "drafting": any(not sheet.is_locked for sheet in sheets),
        },
    )


def _form(action, data=None):
    if action == "declare":
        return DeclarationForm(data)
    t = ASSIGNMENT_WORKFLOW.get(action)
    return ReasonForm(data, label=STEPS[action]["label"], required_message=t.comment_required)


def _done(request, action, assignment, draw) -> None:
    if action == "declare":
        messages.success(request, "已作出声明。现在可以查阅本次评审事项的材料。")
        return
    done = {"conflict": "已申报利害关系，退出本次评审", "refuse": "已谢绝参加本次评审"}.get(
        action, f"已撤回{assignment.expert.name}"
    )
    if draw is None:
        messages.warning(request, f"{done}。暂无可替补的专家，专家组缺额，省人社厅将另行安排。")
    else:
        messages.success(request, f"{done}；已按同样规则随机抽取替补专家。")


@allowed(Assignment, action_from="action", load="pk", queryset=SEATS)
def assignment_act(request, assignment, action):
    """GET: the step's form; POST: take it. A step the user may not take now goes back to the seat's page."""
    if action not in STEPS:  # the seat's other actions (viewing it, scoring) are not steps of this page
        raise Http404("页面不存在。")
    refused = access.refusal(request.user, action, assignment)
    if request.method != "POST" and refused is not None:
        messages.error(request, str(refused))
        return redirect("experts:assignment", pk=assignment.pk)
    form = _form(action, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if action == "declare":
                    services.declare(actor=request.user, assignment_id=assignment.pk)
                    draw = None
                else:
                    _, draw = services.GIVE_UP[action](
                        actor=request.user, assignment_id=assignment.pk, reason=form.cleaned_data["reason"]
                    )
            except RuleViolation as error:
                show_refusal(request, error, form)
            else:
                _done(request, action, assignment, draw)
                return redirect("experts:assignment", pk=assignment.pk)
        status = 400
    return render(
        request,
        "experts/assignment_act.html",
        {
            "assignment": assignment,
            "panel": assignment.panel,
            "step": ASSIGNMENT_WORKFLOW.get(action),
            "button": STEPS[action]["button"],
            "form": form,
            "declaration": services.DECLARATION,
            "is_declaration": action == "declare",
        },
        status=status,
    )
