"""Adjustment of bases (Art. 4: the province 负责省级继续教育基地的设立、调整和撤销; 撤并改).

The province changes a live base's fields, institution type, name or building unit, or merges it into
another live base, each by a numbered decision (core.decisions) published with an announcement. The
adjustment takes effect on the decision's effective date: at once when that is today, otherwise by the
daily job (`adjustments_take_effect`). `Adjustment.changes` keeps what each field read before and after,
which the base's pages show as its register history.
"""

import logging
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import Institution, InstitutionKind, TrainingField, User
from core import access, decisions, events
from core.errors import RuleViolation
from core.models import DecisionKind
from core.workflow import perform

from ..models import (
    ADJUSTABLE_FIELDS,
    Adjustment,
    AdjustmentKind,
    AnnouncementKind,
    Base,
)
from ..workflow import BASE_WORKFLOW
from .publishing import TO_BE_NUMBERED, Draft, announce, check_confirmed, signature

logger = logging.getLogger(__name__)

ARTICLE = "第四条"
BASIS = "《福建省省级专业技术人员继续教育基地管理办法》第四条"


@dataclass(frozen=True)
class Proposal:
    """What an adjustment would change: a row per field (label, before, after) and the raw values to apply."""

    changes: list[dict]
    values: dict

    @property
    def rows(self) -> list[tuple[str, str, str]]:
        return [(c["label"], c["before"], c["after"]) for c in self.changes]


def _field_names(fields) -> str:
    return "、".join(f.name for f in fields)


def _kind_label(code: str) -> str:
    return InstitutionKind.objects.filter(code=code).values_list("name", flat=True).first() or code


def _institution_label(institution: Institution) -> str:
    return f"{institution.name}（{institution.credit_code}）"


def proposal(
    base: Base,
    *,
    training_fields=None,
    institution_type: str | None = None,
    name: str | None = None,
    institution: Institution | None = None,
) -> Proposal:
    """Compare what the province asks with the base as it is; a field left as it is (or None) changes nothing."""
    changes, values = [], {}

    def change(field, before, after, value):
        changes.append({"field": field, "label": ADJUSTABLE_FIELDS[field], "before": before, "after": after})
        values[field] = value

    if training_fields is not None:
        current = sorted(base.training_fields.all(), key=lambda f: (f.order, f.pk))
        asked = sorted(training_fields, key=lambda f: (f.order, f.pk))
        if {f.pk for f in current} != {f.pk for f in asked}:
            change("training_fields", _field_names(current) or base.fields, _field_names(asked), [f.pk for f in asked])
    if institution_type is not None and institution_type != base.institution_type_id:  # a kind's code (Art. 3)
        before, after = _kind_label(base.institution_type_id), _kind_label(institution_type)
        change("institution_type", before, after, institution_type)
    if name is not None and name.strip() and name.strip() != base.name:
        change("name", base.name, name.strip(), name.strip())
    if institution is not None and institution.pk != base.institution_id:
        change("institution", _institution_label(base.institution), _institution_label(institution), institution.pk)
    return Proposal(changes=changes, values=values)


def adjustment_draft(
    base: Base, *, rows, reason: str, effective_on: date, merged_into: Base | None = None, number=TO_BE_NUMBERED
) -> Draft:
    """The public announcement of an adjustment or a merger, as the preview shows it and as it is published
    (with the decision's 文号 in place of 保存后分配)."""
    if merged_into is not None:
        title = f"关于{base.name}并入{merged_into.name}的公告"
        what = (
            f"自{effective_on:%Y年%-m月%-d日}起，{base.name}（{base.register_number}）省级专业技术人员继续教育基地"
            f"并入{merged_into.name}（{merged_into.register_number}），原基地编号不再使用（{number}）。"
        )
    else:
        title = f"关于调整{base.name}省级继续教育基地的公告"
        what = (
            f"自{effective_on:%Y年%-m月%-d日}起，对{base.name}（{base.register_number}）省级专业技术人员继续教育基地"
            f"作如下调整（{number}）：\n" + "\n".join(f"{label}：由“{old}”调整为“{new}”" for label, old, new in rows)
        )
    return Draft(
        kind_label=AnnouncementKind.ADJUSTMENT.label,
        title=title,
        body=f"依据{BASIS}，{what}\n\n事由：{reason.strip()}\n\n{signature()}",
        numbered=True,
    )


def _checked(base: Base, *, reason: str, effective_on: date) -> None:
    if not reason.strip():
        raise RuleViolation("请写明调整的事由。", field="reason", article=ARTICLE)
    today = timezone.localdate()
    if effective_on < today:
        raise RuleViolation(
            f"生效日期不能早于决定日期（{today:%Y年%-m月%-d日}）。", field="effective_on", article=ARTICLE
        )


def _asked_adjustment(
    actor, base: Base, *, reason, effective_on, training_fields, institution_type, name, institution_id
) -> tuple[Proposal, Institution | None, Draft]:
    """The refusals an adjustment gives, before anything is written; what it changes and announces."""
    access.require(actor, "adjust", base)
    _checked(base, reason=reason, effective_on=effective_on)
    if name is not None and not name.strip():
        raise RuleViolation("基地名称不能为空。", field="name", article=ARTICLE)
    institution = None
    if institution_id is not None and institution_id != base.institution_id:
        institution = Institution.objects.filter(pk=institution_id).first()
        if institution is None:
            raise RuleViolation("请选择列出的建设单位。", field="institution")
        other = Base.objects.live().filter(institution=institution).exclude(pk=base.pk).first()
        if other is not None:
            raise RuleViolation(
                f"{institution.name}已建有省级继续教育基地（{other.name}，{other.register_number}）；"
                "两个基地需整合的，请办理基地合并。",
                field="institution",
                article=ARTICLE,
            )
    if institution_type is not None and institution_type != base.institution_type_id:
        kind = InstitutionKind.objects.filter(code=institution_type).first()
        if kind is None or kind.retired_on is not None:
            raise RuleViolation("请选择在用的机构类型。", field="institution_type", article="第三条")
    if training_fields is not None:
        training_fields = list(training_fields)
        if not training_fields:
            raise RuleViolation("请至少选择一个培训领域。", field="training_fields", article="第三条")
        current = set(base.training_fields.values_list("pk", flat=True))
        retired = [f.name for f in training_fields if f.retired_on is not None and f.pk not in current]
        if retired:
            raise RuleViolation(
                f"培训领域“{'、'.join(retired)}”已停用，不能选用。", field="training_fields", article="第三条"
            )
    asked = proposal(
        base, training_fields=training_fields, institution_type=institution_type, name=name, institution=institution
    )
    if not asked.changes:
        raise RuleViolation("调整内容与基地现状相同：请至少修改一项（培训领域、机构类型、基地名称或建设单位）。")
    return asked, institution, adjustment_draft(base, rows=asked.rows, reason=reason, effective_on=effective_on)


def adjustment_preview(*, actor: User, base_id, **terms) -> Draft:
    """The announcement `adjust_base(**terms)` would publish, refused as it would be; nothing is written."""
    base = access.get_visible_or_404(actor, Base.objects.all(), pk=base_id)
    return _asked_adjustment(actor, base, **_adjustment_terms(terms))[2]


def _adjustment_terms(terms: dict) -> dict:
    keys = ("reason", "effective_on", "training_fields", "institution_type", "name", "institution_id")
    return {k: terms.get(k) for k in keys}


@transaction.atomic
def adjust_base(*, actor: User, base_id, expected_digest: str | None = None, **terms) -> Adjustment:
    """Decide to change a live base's fields, type, name or building unit from `effective_on` (Art. 4).

    `terms`: reason, effective_on and the fields asked (training_fields, institution_type, name,
    institution_id; one left out, or None, stays as it is). From the page, only the announcement the
    province previewed is published (`expected_digest`)."""
    base = access.get_visible_or_404(actor, Base.objects.select_for_update(of=("self",)), pk=base_id)
    terms = _adjustment_terms(terms)
    reason, effective_on = terms["reason"], terms["effective_on"]
    asked, institution, draft = _asked_adjustment(actor, base, **terms)
    check_confirmed(draft, expected_digest)
    adjustment = Adjustment.objects.create(
        base=base,
        kind=AdjustmentKind.CHANGE,
        changes=asked.changes,
        values=asked.values,
        reason=reason.strip(),
        effective_on=effective_on,
        decided_by=actor,
    )
    adjustment.decision = decisions.issue(
        kind=DecisionKind.ADJUSTMENT,
        subject=base,
        actor=actor,
        title=f"关于调整{base.name}省级专业技术人员继续教育基地的决定",
        addressee=base.institution.name,
        facts=f"{base.name}（{base.register_number}）：{reason.strip()}",
        basis=BASIS,
        body=f"决定自{effective_on:%Y年%-m月%-d日}起对{base.name}作如下调整：\n"
        + "\n".join(f"{label}：由“{old}”调整为“{new}”" for label, old, new in asked.rows),
        effective_on=effective_on,
        carbon_copy=institution.name if institution is not None else "",
    )
    adjustment.save(update_fields=["decision"])
    return _decided(adjustment, actor=actor)


def _asked_merger(actor, base: Base, *, into_id, reason, effective_on) -> tuple[Base, Draft]:
    """The refusals a merger gives, before anything is written; the base it goes into and the announcement."""
    access.require(actor, "merge", base)
    if into_id is None:
        raise RuleViolation("请选择并入的基地。", field="merged_into", article=ARTICLE)
    if str(into_id) == str(base.pk):
        raise RuleViolation("不能将基地并入其自身，请选择另一家基地。", field="merged_into", article=ARTICLE)
    into = Base.objects.select_related("institution").filter(pk=into_id).first()
    if into is None or not into.is_live:
        raise RuleViolation("只能并入在册（正常、整改中或暂停）的基地。", field="merged_into", article=ARTICLE)
    if Adjustment.objects.pending().filter(base=into, kind=AdjustmentKind.MERGER).exists():
        raise RuleViolation(
            f"{into.name}已决定并入其他基地，不能再作为合并后的基地。", field="merged_into", article=ARTICLE
        )
    _checked(base, reason=reason, effective_on=effective_on)
    return into, adjustment_draft(base, rows=[], reason=reason, effective_on=effective_on, merged_into=into)


def merger_preview(*, actor: User, base_id, into_id, reason: str, effective_on: date) -> Draft:
    """The announcement `merge_base` would publish, refused as it would be; nothing is written."""
    base = access.get_visible_or_404(actor, Base.objects.all(), pk=base_id)
    return _asked_merger(actor, base, into_id=into_id, reason=reason, effective_on=effective_on)[1]


@transaction.atomic
def merge_base(
    *, actor: User, base_id, into_id, reason: str, effective_on: date, expected_digest: str | None = None
) -> Adjustment:
    """Decide that a live base is merged into another live base from `effective_on` (Art. 4); the absorbed
    base then reads 已合并 and its register entry points to the surviving one."""
    base = access.get_visible_or_404(actor, Base.objects.select_for_update(of=("self",)), pk=base_id)
    into, draft = _asked_merger(actor, base, into_id=into_id, reason=reason, effective_on=effective_on)
    check_confirmed(draft, expected_digest)
    label = f"{into.name}（{into.register_number}）"
    adjustment = Adjustment.objects.create(
        base=base,
        kind=AdjustmentKind.MERGER,
        changes=[{"field": "merged_into", "label": "并入基地", "before": "", "after": label}],
        values={"merged_into": into.pk},
        merged_into=into,
        reason=reason.strip(),
        effective_on=effective_on,
        decided_by=actor,
    )
    adjustment.decision = decisions.issue(
        kind=DecisionKind.ADJUSTMENT,
        subject=base,
        actor=actor,
        title=f"关于{base.name}并入{into.name}的决定",
        addressee=base.institution.name,
        facts=f"{base.name}（{base.register_number}）：{reason.strip()}",
        basis=BASIS,
        body=(
            f"决定自{effective_on:%Y年%-m月%-d日}起，{base.name}并入{label}，"
            f"基地编号{base.register_number}不再使用，匾牌停止使用；其继续教育工作由{into.name}承接。"
        ),
        effective_on=effective_on,
        carbon_copy=into.institution.name if into.institution_id != base.institution_id else "",
    )
    adjustment.save(update_fields=["decision"])
    return _decided(adjustment, actor=actor)


def _decided(adjustment: Adjustment, *, actor) -> Adjustment:
    """Publish the decided adjustment, tell the base, and apply it at once when its day is today."""
    base, into = adjustment.base, adjustment.merged_into
    if base.published_at:  # an unpublished base's facts reach the public with the recognised list
        published = adjustment_draft(
            base,
            rows=[(c["label"], c["before"], c["after"]) for c in adjustment.changes],
            reason=adjustment.reason,
            effective_on=adjustment.effective_on,
            merged_into=into,
            number=adjustment.decision.number,
        )
        announce(
            published,
            kind=AnnouncementKind.ADJUSTMENT,
            actor=actor,
            number=adjustment.decision.number,
            base=base,
            bases=[base, into] if into is not None else [base],
        )
    events.happened("adjustment_decided", actor=actor, base=base, adjustment=adjustment)
    if adjustment.effective_on <= timezone.localdate():
        take_effect(adjustment, actor=actor)
    return adjustment


def take_effect(adjustment: Adjustment, *, actor) -> Adjustment:
    """The day has come: the new facts are written, or the absorbed base becomes 已合并 through the engine.
    `actor` is None for the daily job."""
    number = adjustment.decision.number if adjustment.decision_id else ""
    if adjustment.is_merger:
        into = adjustment.merged_into
        base, _ = perform(
            workflow=BASE_WORKFLOW,
            queryset=Base.objects.select_related("institution"),
            pk=adjustment.base_id,
            action="merge",
            actor=actor,
            comment=f"{number}；并入{into.name}（{into.register_number}）",
            article=ARTICLE,
        )
        base.merged_into, base.status_changed_on, base.commended_at = into, adjustment.effective_on, None
        base.save(update_fields=["merged_into", "status_changed_on", "commended_at"])
    else:
        base = Base.objects.select_for_update().get(pk=adjustment.base_id)
        values = adjustment.values
        if "name" in values:
            base.name = values["name"]
        if "institution_type" in values:
            base.institution_type_id = values["institution_type"]
        if "institution" in values:
            base.institution_id = values["institution"]
        base.save()
        if "training_fields" in values:
            fields = list(TrainingField.objects.filter(pk__in=values["training_fields"]))
            base.training_fields.set(fields)
            base.fields = _field_names(sorted(fields, key=lambda f: (f.order, f.pk)))
            base.save(update_fields=["fields"])
    adjustment.took_effect_at = timezone.now()
    adjustment.save(update_fields=["took_effect_at"])
    if actor is None:  # decided earlier: written down and told on the day it takes effect
        name = "merger_took_effect" if adjustment.is_merger else "adjustment_took_effect"
        events.happened(name, actor=None, base=base, adjustment=adjustment, number=number)
    return adjustment


@transaction.atomic
def adjustments_take_effect(*, today: date) -> int:
    """Daily: adjustments whose effective date has come take effect; running again changes nothing."""
    due = Adjustment.objects.pending().filter(effective_on__lte=today).select_related("base", "merged_into")
    count = 0
    for adjustment in due.select_for_update(of=("self",)).order_by("effective_on", "pk"):
        if adjustment.is_merger and not (adjustment.base.is_live and adjustment.merged_into.is_live):
            # one of the two bases ended meanwhile (revoked, cancelled, merged): the province decides anew
            logger.warning("adjustment %s not applied: a base of the merger is no longer live", adjustment.pk)
            continue
        take_effect(adjustment, actor=None)
        count += 1
    return count
