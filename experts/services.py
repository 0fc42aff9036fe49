"""Drawing a panel of experts without conflicts (Art. 26; 双随机): every rule that keeps an expert off an
institution's panel, the seeded draw that anyone can repeat from what it stored, and the seat's life —
declaration, conflict, refusal, withdrawal — each of which may draw a replacement the same way."""

import random
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from accounts.models import Institution, Role, User
from core import access
from core.errors import RuleViolation
from core.periods import add_years
from core.workflow import perform

from .models import (
    SEATED,
    Assignment,
    AssignmentState,
    Draw,
    Expert,
    Panel,
    TieKind,
    field_names,
)
from .workflow import ASSIGNMENT_WORKFLOW

DECLARATION = (
    "本人承诺：与被评审机构不存在现任职、近三年内曾任职、授课、咨询服务或其他可能影响公正评审的利害关系；"
    "对评审中知悉的申报材料、商业秘密和个人信息严格保密，不对外泄露，不用于评审以外的用途。"
)


def draw_panel(seed: int, candidate_ids: list[int], count: int) -> list[int]:
    """The experts drawn: a pure function of the stored seed and candidates, so anyone can repeat it."""
    return random.Random(seed).sample(list(candidate_ids), min(count, len(candidate_ids)))


def replay(draw: Draw) -> bool:
    """Does drawing again from what the draw stored give the same experts?"""
    return draw_panel(draw.seed, draw.candidate_ids, draw.count) == draw.drawn_ids


def exclusions(panel: Panel, experts: list[Expert], *, today: date) -> dict[int, str]:
    """Why each of `experts` may not sit on `panel`, by id (those absent may): the institution's own staff, a
    declared tie that lasts or ended less than EXPERT_TIE_YEARS ago, the same city when the panel avoids it,
    a review of the same institution in the panel's look-back years, or an earlier seat on this panel."""
    institution = panel.institution
    ids = [e.pk for e in experts]
    reasons: dict[int, list[str]] = {}

    def exclude(expert_id, reason):
        reasons.setdefault(expert_id, []).append(reason)

    tie_years = settings.EXPERT_TIE_YEARS
    tie_since = add_years(today, -tie_years)
    for expert in experts:
        if expert.employer_institution_id == institution.pk:
            exclude(expert.pk, "被评审机构的工作人员")
        if panel.same_city_excluded and expert.region_id == institution.region_id:
            exclude(expert.pk, f"与被评审机构同在{expert.region.name}（同城回避）")
    for tie in institution.expert_ties.filter(expert_id__in=ids).order_by("id"):
        kind = TieKind(tie.kind).label
        if tie.ended_on is None:
            exclude(tie.expert_id, f"申报与被评审机构存在{kind}关系")
        elif tie.ended_on > tie_since:
            exclude(tie.expert_id, f"申报与被评审机构的{kind}关系于{tie.ended_on:%Y年%-m月%-d日}结束，未满{tie_years}年")
    if panel.lookback_years:
        since = add_years(today, -panel.lookback_years)
        reviewed = (
            Assignment.objects.filter(
                expert_id__in=ids,
                panel__institution=institution,
                state=AssignmentState.DECLARED,
                panel__created_at__date__gt=since,
            )
            .exclude(panel=panel)
            .values_list("expert_id", "panel__created_at")
        )
        for expert_id, when in reviewed.order_by("panel__created_at"):
            exclude(expert_id, f"{timezone.localtime(when):%Y年%-m月}评审过该机构（{panel.lookback_years}年内回避）")
    for expert_id, state in panel.assignments.filter(expert_id__in=ids).values_list("expert_id", "state"):
        exclude(expert_id, "已在本专家组" if state in SEATED else f"已从本专家组退出（{AssignmentState(state).label}）")
    return {expert_id: "；".join(dict.fromkeys(found)) for expert_id, found in reasons.items()}


def _draw(panel: Panel, *, count: int, actor: User, reason: str, replaces=None, seed=None, declare_by=None) -> Draw:
    """Draw `count` experts for `panel` and seat them; the panel row is locked, so two draws for one seat
    at once run one after the other and the second sees the first's expert as already seated."""
    Panel.objects.select_for_update().get(pk=panel.pk)
    today = timezone.localdate()
    wanted = field_names(panel.fields)
    pool = [
        e
        for e in Expert.objects.filter(active=True).select_related("region").order_by("id")
        if not wanted or e.field_set & wanted
    ]
    excluded = exclusions(panel, pool, today=today)
    candidates = [e.pk for e in pool if e.pk not in excluded]
    if len(candidates) < count:
        raise RuleViolation(
            f"领域相符且无需回避的在库专家只有{len(candidates)}名，不足{count}名，请扩充专家库或调整评审领域。",
            article="第二十六条",
        )
    seed = secrets.randbits(48) if seed is None else seed
    drawn = draw_panel(seed, candidates, count)
    draw = Draw.objects.create(
        panel=panel,
        seed=seed,
        count=count,
        considered_ids=[e.pk for e in pool],
        exclusions=[[expert_id, excluded[expert_id]] for expert_id in sorted(excluded)],
        candidate_ids=candidates,
        drawn_ids=drawn,
        replaces=replaces,
        reason=reason,
        drawn_by=actor,
    )
    declare_by = declare_by or today + timedelta(days=settings.EXPERT_DECLARATION_DAYS)
    Assignment.objects.bulk_create(
        [Assignment(panel=panel, expert_id=expert_id, draw=draw, declare_by=declare_by) for expert_id in drawn]
    )
    return draw


@transaction.atomic
def create_panel(
    *,
    actor: User,
    purpose: str,
    case,
    institution: Institution,
    case_label: str,
    fields: str,
    size: int,
    items: list,
    same_city_excluded: bool | None = None,
    seed: int | None = None,
    declare_by: date | None = None,
) -> Panel:
    """Form the panel of a case and draw its experts (Art. 26)."""
    access.require_capability(actor, "manage_experts")
    if size < 1:
        raise RuleViolation("专家人数至少为1名。", field="size")
    case_type = ContentType.objects.get_for_model(case)
    if Panel.objects.filter(case_type=case_type, case_id=case.pk).exists():
        raise RuleViolation("该事项已组建评审专家组。")
    panel = Panel.objects.create(
        purpose=purpose,
        case_type=case_type,
        case_id=case.pk,
        institution=institution,
        case_label=case_label,
        fields=fields,
        size=size,
        items=items,
        same_city_excluded=settings.EXPERT_AVOID_SAME_CITY if same_city_excluded is None else same_city_excluded,
        lookback_years=settings.EXPERT_LOOKBACK_YEARS,
        created_by=actor,
    )
    _draw(panel, count=size, actor=actor, reason="首次抽取", seed=seed, declare_by=declare_by)
    return panel


def _replace(assignment: Assignment, *, actor: User, why: str) -> Draw:
    return _draw(
        assignment.panel,
        count=1,
        actor=actor,
        reason=f"替补：{assignment.expert.name}{why}",
        replaces=assignment,
        declare_by=max(assignment.declare_by, timezone.localdate() + timedelta(days=settings.EXPERT_DECLARATION_DAYS)),
    )


@transaction.atomic
def declare(*, actor: User, assignment_id) -> Assignment:
    """The expert declares no conflict and promises confidentiality; from now on the case's files open."""
    assignment, _ = perform(workflow=ASSIGNMENT_WORKFLOW, pk=assignment_id, action="declare", actor=actor)
    assignment.declared_at, assignment.declaration = timezone.now(), DECLARATION
    assignment.save(update_fields=["declared_at", "declaration"])
    return assignment


@transaction.atomic
def declare_conflict(*, actor: User, assignment_id, reason: str) -> Draw:
    """The expert declares a conflict: they leave the panel and a replacement is drawn."""
    assignment, _ = perform(
        workflow=ASSIGNMENT_WORKFLOW, pk=assignment_id, action="conflict", actor=actor, comment=reason
    )
    assignment.ended_reason = reason.strip()
    assignment.save(update_fields=["ended_reason"])
    return _replace(assignment, actor=actor, why="申报利害关系回避")


@transaction.atomic
def refuse(*, actor: User, assignment_id, reason: str) -> Draw:
    """The expert cannot take part: a replacement is drawn."""
    assignment, _ = perform(workflow=ASSIGNMENT_WORKFLOW, pk=assignment_id, action="refuse", actor=actor, comment=reason)
    assignment.ended_reason = reason.strip()
    assignment.save(update_fields=["ended_reason"])
    return _replace(assignment, actor=actor, why="不能参加")


@transaction.atomic
def withdraw(*, actor: User, assignment_id, reason: str) -> Draw:
    """The province withdraws an expert (a conflict found late): a replacement is drawn."""
    assignment, _ = perform(
        workflow=ASSIGNMENT_WORKFLOW, pk=assignment_id, action="withdraw", actor=actor, comment=reason
    )
    assignment.ended_reason = reason.strip()
    assignment.save(update_fields=["ended_reason"])
    return _replace(assignment, actor=actor, why="被撤回")


def may_open_files(user, panel: Panel) -> bool:
    """May this user open the files of the panel's case? The province always; an expert only once they have
    declared on this panel."""
    if access.has_role(user, Role.PROVINCE):
        return True
    return Assignment.objects.filter(
        panel=panel, expert__user_id=user.pk, state=AssignmentState.DECLARED
    ).exists()
