"""Thin views of the task allocation: the province's years and the year's page (weights, programmes, the
scored proposal, adjustment, decision, publication, reports), and a base's programmes and tasks."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import access, exports
from core.errors import RuleViolation
from core.forms import show_refusal

from . import selectors, services
from .exports import SHARES
from .forms import ApplyForm, DeliveryForm, ProgrammeForm, WeightsForm
from .models import PARTS, AllocationRound, Programme, Share

DEFAULT_WEIGHTS = {f"w_{part}": AllocationRound._meta.get_field(f"w_{part}").default for part, _, _ in PARTS}


@access.allowed("allocate_tasks")
def rounds(request):
    form = WeightsForm(
        request.POST or None, with_year=True, initial={"year": timezone.localdate().year + 1, **DEFAULT_WEIGHTS}
    )
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.open_round(actor=request.user, year=form.cleaned_data["year"], weights=form.weights())
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, f"已建立{round_.year}年度培训任务分配。")
            return redirect("steering:round", year=round_.year)
    return render(request, "steering/rounds.html", {"rounds": selectors.rounds(), "form": form})


def _round_for(request, year) -> AllocationRound:
    return access.get_visible_or_404(request.user, selectors.rounds(), year=year)


@access.allowed("allocate_tasks")
def round_page(request, year):
    round_ = _round_for(request, year)
    if export := exports.respond(
        request, rows=selectors.all_shares(round_), columns=SHARES, filename=f"{year}年度培训任务分配"
    ):
        return export
    weights_form = WeightsForm(
        request.POST if "weights" in request.POST else None,
        initial={f"w_{part}": weight for part, weight in round_.weights.items()},
    )
    programme_form = ProgrammeForm(request.POST if "programme" in request.POST else None, prefix="p")
    if request.method == "POST":
        try:
            if "weights" in request.POST and weights_form.is_valid():
                services.set_weights(actor=request.user, round_=round_, weights=weights_form.weights())
                messages.success(request, "已保存权重，请重新测算分配方案。")
                return redirect("steering:round", year=year)
            if "programme" in request.POST and programme_form.is_valid():
                programme = services.save_programme(actor=request.user, round_=round_, **programme_form.cleaned_data)
                messages.success(request, f"已新增项目“{programme.name}”。")
                return redirect("steering:round", year=year)
            if "propose" in request.POST:
                n = services.propose(actor=request.user, round_=round_)
                messages.success(request, f"已按当前权重测算{n}份申请的得分和分配。")
                return redirect("steering:round", year=year)
            if "adjust" in request.POST:
                services.adjust(actor=request.user, round_=round_, allocated=_allocated(request.POST))
                messages.success(request, "已保存调整后的分配。")
                return redirect("steering:round", year=year)
        except RuleViolation as error:
            show_refusal(
                request,
                error,
                weights_form if "weights" in request.POST else programme_form if "programme" in request.POST else None,
            )
    programmes = selectors.round_programmes(round_)
    context = {
        "round": access.bind(request.user, [round_])[0],
        "programmes": programmes,
        "report": selectors.report(programmes),
        "weights_form": weights_form,
        "programme_form": programme_form,
        "parts": selectors.PART_LABELS,
        "posted": request.POST if "adjust" in request.POST else {},
    }
    return render(request, "steering/round.html", context)


def _allocated(post) -> dict[int, int | None]:
    allocated = {}
    for key, value in post.items():
        if key.startswith("share-"):
            try:
                allocated[int(key[6:])] = int(value) if value.strip() else None
            except ValueError:
                raise RuleViolation(f"分配数应为整数：“{value}”。") from None
    return allocated


@access.allowed(AllocationRound, "confirm")
@require_POST
def confirm(request, year):
    allocationround = _round_for(request, year)
    try:
        round_ = services.confirm(actor=request.user, round_=allocationround)
    except RuleViolation as error:
        show_refusal(request, error)
    else:
        messages.success(request, f"已确定分配并印发决定（{round_.decision.number}）。")
    return redirect("steering:round", year=allocationround.year)


@access.allowed(AllocationRound, "publish")
@require_POST
def publish(request, year):
    allocationround = _round_for(request, year)
    try:
        services.publish(actor=request.user, round_=allocationround)
    except RuleViolation as error:
        show_refusal(request, error)
    else:
        messages.success(request, "已公布分配结果。")
    return redirect("steering:round", year=allocationround.year)


@access.allowed("apply_for_tasks")
def mine(request):
    """A base's programmes open to application and its tasks, with the delivery it reports (Art. 13, 21)."""
    bases = selectors.own_bases(request.user)
    shares = list(access.bind(request.user, selectors.own_shares(request.user)))
    offers = selectors.offers(bases, applied={(share.programme_id, share.base_id) for share in shares})
    return render(
        request,
        "steering/mine.html",
        {"offers": offers, "shares": shares, "apply_form": ApplyForm(), "delivery_form": DeliveryForm()},
    )


@access.allowed("apply_for_tasks")
@require_POST
def apply(request, pk):
    programme = get_object_or_404(Programme.objects.select_related("round", "field"), pk=pk)
    bases = {base.pk: base for base in selectors.own_bases(request.user)}
    base = bases.get(int(request.POST.get("base") or 0)) if (request.POST.get("base") or "").isdigit() else None
    form = ApplyForm(request.POST)
    if base is None:
        messages.error(request, "请选择申请的基地。")
    elif form.is_valid():
        try:
            services.apply(actor=request.user, programme=programme, base=base, note=form.cleaned_data["note"])
        except RuleViolation as error:
            show_refusal(request, error)
        else:
            messages.success(request, f"已申请承担“{programme.name}”。")
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("steering:mine")


@access.allowed("apply_for_tasks")
@require_POST
def deliver(request, pk):
    share = access.get_visible_or_404(request.user, Share.objects.all(), pk=pk)
    form = DeliveryForm(request.POST)
    if form.is_valid():
        try:
            services.report_delivery(actor=request.user, share=share, **form.cleaned_data)
        except RuleViolation as error:
            show_refusal(request, error)
        else:
            messages.success(request, "已报送完成情况。")
    else:
        messages.error(request, "完成情况未报送：" + "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("steering:mine")
