"""Every write of the task allocation (Art. 13, 14, 21, 22): the year's weights and programmes, a base's
application, the scored proposal, the province's adjustments, the decision and its publication, and the
delivery the base reports."""

import json

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from bases.models import Announcement, AnnouncementKind, Base
from core import access, decisions, events
from core.errors import RuleViolation
from core.models import DecisionKind
from core.workflow import perform

from .models import PARTS, AllocationRound, Programme, RoundState, Share
from .scoring import largest_remainder, score_round
from .workflow import ROUND_WORKFLOW

ART = "第十三条"


def _draft(round_: AllocationRound) -> None:
    if round_.state != RoundState.DRAFT:
        raise RuleViolation(f"{round_.year}年度的分配已经{round_.get_state_display()}，不能再修改。", article=ART)


def check_weights(weights: dict[str, int]) -> None:
    """The six weights are whole numbers from 0 to 100 that add up to 100 (refused with the sum otherwise)."""
    for part, label, _ in PARTS:
        value = weights.get(part)
        if value is None or value < 0 or value > 100:
            raise RuleViolation(f"“{label}”的权重应为0至100之间的整数。", field=f"w_{part}", article="第二十一条")
    total = sum(weights[part] for part, _, _ in PARTS)
    if total != 100:
        raise RuleViolation(f"各项权重合计应为100，现为{total}。", article="第二十一条")


@transaction.atomic
def open_round(*, actor: User, year: int, weights: dict[str, int]) -> AllocationRound:
    """The province opens a year's allocation with the weights of the score."""
    access.require_capability(actor, "allocate_tasks")
    check_weights(weights)
    if AllocationRound.objects.filter(year=year).exists():
        raise RuleViolation(f"{year}年度的任务分配已经建立。", field="year", article=ART)
    return AllocationRound.objects.create(
        year=year, created_by=actor, **{f"w_{part}": weights[part] for part, _, _ in PARTS}
    )


@transaction.atomic
def set_weights(*, actor: User, round_: AllocationRound, weights: dict[str, int]) -> AllocationRound:
    access.require_capability(actor, "allocate_tasks")
    round_ = AllocationRound.objects.select_for_update().get(pk=round_.pk)
    _draft(round_)
    check_weights(weights)
    for part, _, _ in PARTS:
        setattr(round_, f"w_{part}", weights[part])
    round_.proposed_at = None  # the proposal was scored with the old weights: score it again
    round_.save()
    return round_


@transaction.atomic
def save_programme(*, actor: User, round_: AllocationRound, programme: Programme | None = None, **data) -> Programme:
    """Add or change a programme of a draft year (Art. 13); a quota below zero is refused."""
    access.require_capability(actor, "allocate_tasks")
    round_ = AllocationRound.objects.select_for_update().get(pk=round_.pk)
    _draft(round_)
    regions = data.pop("target_regions", [])
    if data.get("quota") is None or data["quota"] < 0:
        raise RuleViolation("任务总量不能小于0。", field="quota", article=ART)
    if data.get("budget") is not None and data["budget"] < 0:
        raise RuleViolation("经费不能小于0。", field="budget", article=ART)
    programme = programme or Programme(round=round_)
    for name, value in data.items():
        setattr(programme, name, value)
    programme.save()
    programme.target_regions.set(regions)
    round_.proposed_at = None
    round_.save(update_fields=["proposed_at"])
    return programme


@transaction.atomic
def apply(*, actor: User, programme: Programme, base: Base, note: str = "") -> Share:
    """A live base applies to run a programme of its fields while the year is being drafted (Art. 13)."""
    access.require_capability(actor, "apply_for_tasks")
    if base.institution_id != actor.institution_id:
        raise RuleViolation("只能为本机构的基地申请。")
    _draft(programme.round)
    if not base.is_live:
        raise RuleViolation("只有在册基地可以申请承担省级培训项目。", article=ART)
    if programme.field_id and not base.training_fields.filter(pk=programme.field_id).exists():
        raise RuleViolation(f"该项目属于“{programme.field.name}”领域，不在贵基地的培训领域内。", article="第三条")
    if Share.objects.filter(programme=programme, base=base).exists():
        raise RuleViolation("贵基地已申请该项目。")
    share = Share.objects.create(programme=programme, base=base, applied_by=actor, note=(note or "").strip())
    events.happened("task_applied", actor=actor, share=share)
    return share


@transaction.atomic
def withdraw(*, actor: User, share: Share) -> None:
    access.require_capability(actor, "apply_for_tasks")
    share = access.get_visible_or_404(actor, Share.objects.select_related("programme__round"), pk=share.pk)
    _draft(share.programme.round)
    share.delete()


def round_shares(round_: AllocationRound):
    """The year's applications with what scoring and the checks read, and nothing more (20,000 rows at 10×)."""
    return (
        Share.objects.filter(programme__round=round_)
        .select_related("base__region", "programme__field")
        .prefetch_related("programme__target_regions")
        .only(
            "id",
            "programme_id",
            "base_id",
            "allocated",
            "parts",
            "score",
            "proposed",
            "base__id",
            "base__name",
            "base__region_id",
            "base__commended_at",
            "base__region__id",
            "base__region__name",
            "programme__id",
            "programme__name",
            "programme__quota",
            "programme__field_id",
            "programme__round_id",
            "programme__field__id",
            "programme__field__name",
        )
        .order_by("programme_id", "id")
    )


@transaction.atomic
def propose(*, actor: User, round_: AllocationRound) -> int:
    """Score every application of the year and share each programme's quota by largest remainder (Art. 21,
    22); the province then adjusts. Returns how many applications were scored."""
    access.require_capability(actor, "allocate_tasks")
    round_ = AllocationRound.objects.select_for_update().get(pk=round_.pk)
    _draft(round_)
    scored = score_round(round_, today=timezone.localdate())
    by_programme: dict[int, list] = {}
    for item in scored:
        by_programme.setdefault(item.programme_id, []).append(item)
    given = {}
    for items in by_programme.values():
        given.update(largest_remainder(items[0].quota, [(item.share_id, item.score) for item in items]))
    _write_scores(scored, given)
    round_.proposed_at = timezone.now()
    round_.save(update_fields=["proposed_at"])
    return len(scored)


def _write_scores(scored, given: dict[int, int]) -> None:
    """Write every share's parts, score and share in one statement on PostgreSQL (an UPDATE from arrays; a
    bulk_update's CASE over 20,000 rows takes a minute), in batches elsewhere."""
    if not scored:
        return
    if connection.vendor != "postgresql":
        rows = [
            Share(
                pk=item.share_id,
                parts=item.parts,
                score=item.score,
                proposed=given[item.share_id],
                allocated=given[item.share_id],
            )
            for item in scored
        ]
        Share.objects.bulk_update(rows, ["parts", "score", "proposed", "allocated"], batch_size=500)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {Share._meta.db_table} AS s
                SET parts = v.parts, score = v.score, proposed = v.share, allocated = v.share
                FROM unnest(%s::bigint[], %s::jsonb[], %s::numeric[], %s::integer[]) AS v(id, parts, score, share)
                WHERE s.id = v.id""",
            [
                [item.share_id for item in scored],
                [json.dumps(item.parts) for item in scored],
                [item.score for item in scored],
                [given[item.share_id] for item in scored],
            ],
        )


@transaction.atomic
def adjust(*, actor: User, round_: AllocationRound, allocated: dict[int, int]) -> None:
    """The province changes the shares of a draft year; a share below zero, or a programme's shares beyond
    its quota, is refused with the reason, and nothing is saved (Art. 13)."""
    access.require_capability(actor, "allocate_tasks")
    round_ = AllocationRound.objects.select_for_update().get(pk=round_.pk)
    _draft(round_)
    shares = {share.pk: share for share in round_shares(round_)}
    for pk, value in allocated.items():
        if pk not in shares:
            raise RuleViolation("分配对象不属于本年度。")
        if value is None or value < 0:
            raise RuleViolation(f"“{shares[pk].base.name}”的分配数不能小于0。", field=f"share-{pk}", article=ART)
        shares[pk].allocated = value
    totals: dict[int, int] = {}
    for share in shares.values():
        totals[share.programme_id] = totals.get(share.programme_id, 0) + (share.allocated or 0)
    for share in shares.values():
        programme = share.programme
        if totals[programme.pk] > programme.quota:
            raise RuleViolation(
                f"“{programme.name}”分配合计{totals[programme.pk]}，超过任务总量{programme.quota}。", article=ART
            )
    Share.objects.bulk_update([shares[pk] for pk in allocated], ["allocated"])


def _decision_body(round_: AllocationRound) -> str:
    lines = []
    for programme in round_.programmes.select_related("field").prefetch_related("shares__base"):
        given = [share for share in programme.shares.all() if share.allocated]
        if not given:
            continue
        lines.append(
            f"{programme.name}（{programme.get_kind_display()}，{programme.quota}{programme.get_unit_display()}）："
        )
        lines += [
            f"　{share.base.register_number}　{share.base.name}　{share.allocated}{programme.get_unit_display()}"
            for share in given
        ]
    return "现将本年度省级专业技术人员继续教育培训任务分配如下：\n" + "\n".join(lines)


@transaction.atomic
def confirm(*, actor: User, round_: AllocationRound) -> AllocationRound:
    """Decide the year's allocation: a formal decision with 文号, told to every base that applied."""
    round_, _ = perform(
        workflow=ROUND_WORKFLOW,
        pk=round_.pk,
        action="confirm",
        actor=actor,
        expected_state=RoundState.DRAFT,
    )
    round_.decision = decisions.issue(
        kind=DecisionKind.ALLOCATION,
        subject=round_,
        actor=actor,
        title=f"关于下达{round_.year}年度省级专业技术人员继续教育培训任务的决定",
        addressee="各省级专业技术人员继续教育基地",
        facts=(
            f"根据{round_.year}年度省级培训项目安排，我厅依据各基地考核抽查结果、表扬推广情况、往年任务完成情况、"
            "年度培训人数、领域匹配和地区倾斜情况综合测算，确定本年度培训任务分配。"
        ),
        basis="第十三条、第十四条、第二十一条、第二十二条",
        body=_decision_body(round_),
    )
    round_.save(update_fields=["decision"])
    shares = list(Share.objects.filter(programme__round=round_).select_related("base"))
    events.happened("tasks_confirmed", actor=actor, round=round_, shares=shares)
    return round_


@transaction.atomic
def publish(*, actor: User, round_: AllocationRound) -> Announcement:
    """Publish the decided allocation (Art. 21): an announcement carrying the decision's 文号."""
    round_, _ = perform(
        workflow=ROUND_WORKFLOW, pk=round_.pk, action="publish", actor=actor, expected_state=RoundState.CONFIRMED
    )
    decision = round_.decision
    shares = list(Share.objects.filter(programme__round=round_, allocated__gt=0).select_related("base"))
    announcement = Announcement.objects.create(
        kind=AnnouncementKind.ALLOCATION,
        title=f"{round_.year}年度省级专业技术人员继续教育培训任务分配结果",
        body=decision.body,
        published_at=timezone.now(),
        number=decision.number,
        created_by=actor,
    )
    announcement.bases.set({share.base for share in shares})
    round_.announcement = announcement
    round_.save(update_fields=["announcement"])
    events.happened("tasks_published", actor=actor, round=round_, shares=shares)
    return announcement


@transaction.atomic
def report_delivery(*, actor: User, share: Share, delivered: int, note: str = "") -> Share:
    """A base reports what it delivered of a published task; the completion rate feeds next year's score."""
    access.require_capability(actor, "apply_for_tasks")
    share = access.get_visible_or_404(
        actor, Share.objects.select_for_update().select_related("programme__round", "base"), pk=share.pk
    )
    if share.programme.round.state != RoundState.PUBLISHED or not share.allocated:
        raise RuleViolation("只能报送已公布分配结果中本基地承担任务的完成情况。")
    if delivered is None or delivered < 0:
        raise RuleViolation("完成数量不能小于0。", field="delivered")
    share.delivered, share.delivery_note, share.delivered_at = delivered, (note or "").strip(), timezone.now()
    share.save(update_fields=["delivered", "delivery_note", "delivered_at"])
    events.happened("task_delivered", actor=actor, share=share)
    return share
