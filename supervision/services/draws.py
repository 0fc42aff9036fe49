"""Spot-check draws (Art. 21; 双随机、一公开): drawn from stored inputs, so anyone can repeat them."""

import random
import secrets
from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import InspectorUnit, InstitutionKind, User
from bases.models import Announcement, Base, BaseStatus
from core import access
from core.errors import RuleViolation

from ..models import (
    InspectionKind,
    InspectionState,
    SpotCheckDraw,
)
from .inspections import publish_results, results_drafts, schedule_inspection


def draw_sample(seed: int, candidates: list[list[int]], size: int, units: list[list[int]], assign: bool):
    """The sample and the unit assignments of a draw: a pure function of its stored inputs, so anyone can repeat it.

    candidates are [base_id, region_id] sorted by base id; units are [unit_id, region_id] sorted by unit id.
    An inspector unit is never assigned to a base in its own city (conflict avoidance).
    """
    rng = random.Random(seed)
    sampled = rng.sample(candidates, min(size, len(candidates)))
    assignments = {}
    if assign:
        for base_id, region_id in sampled:
            eligible = [unit_id for unit_id, unit_region in units if unit_region != region_id]
            if not eligible:
                raise RuleViolation("没有可回避该基地所在设区市的考核委托单位，无法随机分配。")
            assignments[str(base_id)] = rng.choice(eligible)
    return [base_id for base_id, _ in sampled], assignments


@transaction.atomic
def draw_spot_check(
    *,
    actor: User,
    size: int,
    scheduled_on: date,
    province_team: str = "",
    region=None,
    institution_type: str = "",
    status: str = "",
    assign_inspectors: bool = False,
    seed: int | None = None,
) -> SpotCheckDraw:
    """Draw N bases at random (optionally by city, type, status), store how, and schedule their spot checks."""
    access.require_capability(actor, "plan_inspections")
    if size < 1:
        raise RuleViolation("抽取数量至少为1。", field="size")
    # a suspended base is not inspected (Art. 23 second list (2)); the others may be narrowed by status
    qs = Base.objects.working().filter(status=status) if status else Base.objects.working()
    described = []
    if region is not None:
        qs = qs.filter(region=region)
        described.append(f"设区市：{region.name}")
    if institution_type:
        qs = qs.filter(institution_type=institution_type)
        kind = InstitutionKind.objects.filter(code=institution_type).first()
        described.append(f"机构类型：{kind.name if kind else institution_type}")
    if status:
        described.append(f"状态：{BaseStatus(status).label}")
    candidates = [list(row) for row in qs.order_by("id").values_list("id", "region_id")]
    if not candidates:
        raise RuleViolation("没有符合条件的基地可供抽取。")
    units = [
        list(row) for row in InspectorUnit.objects.filter(active=True).order_by("id").values_list("id", "region_id")
    ]
    if not assign_inspectors and not province_team.strip():
        raise RuleViolation("请填写省人社厅考核人员，或选择随机分配考核委托单位。", field="province_team")
    seed = seed if seed is not None else secrets.randbits(48)
    sampled, assignments = draw_sample(seed, candidates, size, units, assign_inspectors)
    draw = SpotCheckDraw.objects.create(
        drawn_by=actor,
        seed=seed,
        size=size,
        scheduled_on=scheduled_on,
        filters={
            "region": region.pk if region else None,
            "institution_type": institution_type,
            "status": status,
            "assign_inspectors": assign_inspectors,
        },
        filters_text="；".join(described) or "全部在册基地",
        candidate_ids=candidates,
        sampled_ids=sampled,
        unit_candidate_ids=units if assign_inspectors else [],
        assignments=assignments,
    )
    unit_by_id = InspectorUnit.objects.in_bulk(list(assignments.values()))
    for base_id in sampled:
        unit = unit_by_id.get(assignments.get(str(base_id)))
        schedule_inspection(
            actor=actor,
            base_id=base_id,
            kind=InspectionKind.SPOT_CHECK,
            scheduled_on=scheduled_on,
            province_team=province_team,
            inspector_unit=unit,
            draw=draw,
        )
    return draw


def replay_draw(draw: SpotCheckDraw):
    """Repeat a stored draw: the same seed and candidates give the same sample and assignments."""
    return draw_sample(
        draw.seed, draw.candidate_ids, draw.size, draw.unit_candidate_ids, bool(draw.filters.get("assign_inspectors"))
    )


def draw_title(draw: SpotCheckDraw) -> str:
    return f"{draw.drawn_at:%Y年%-m月}省级继续教育基地不定期抽查结果公告"


def _publishable(draw: SpotCheckDraw) -> list:
    """The draw's spot checks, once every one is confirmed and the draw not yet published (一公开)."""
    inspections = list(draw.inspections.select_related("base").order_by("base__year", "base__sequence"))
    if draw.published_at:
        raise RuleViolation("该次抽查结果已公布。")
    pending = [i for i in inspections if i.state not in (InspectionState.CONFIRMED, InspectionState.PUBLISHED)]
    if pending:
        raise RuleViolation(f"还有{len(pending)}家基地的抽查结果未确认，全部确认后方可公布。")
    return inspections


def draw_drafts(draw: SpotCheckDraw) -> list:
    """What publishing the draw's results would announce, as it will read (for the preview)."""
    return results_drafts(_publishable(draw), title=draw_title(draw))


@transaction.atomic
def publish_draw(*, actor: User, draw_id, expected_digest: str | None = None) -> Announcement | None:
    """Publish a draw's results once all its spot checks are confirmed (一公开); from the page, only the
    text the province previewed."""
    access.require_capability(actor, "plan_inspections")
    draw = access.get_visible_or_404(actor, SpotCheckDraw.objects.select_for_update(), pk=draw_id)
    inspections = _publishable(draw)
    draw.published_at = timezone.now()
    draw.save(update_fields=["published_at"])
    return publish_results(inspections, actor=actor, title=draw_title(draw), expected_digest=expected_digest)
