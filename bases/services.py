"""Every write on bases: publication, fee disclosure, change filings (Art. 9, 29, 31)."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jxjy_portal import access, timeline, uploads
from jxjy_portal.notify import notify
from jxjy_portal.users import selectors as people
from jxjy_portal.users.models import Role, User
from jxjy_portal.workflow import RuleViolation

from .models import (
    CHANGEABLE_FIELDS,
    Announcement,
    AnnouncementKind,
    Base,
    BaseStatus,
    ChangeFiling,
    ChangeFilingState,
    FeeDisclosure,
)


def _require(actor: User, *roles):
    if not access.has_role(actor, *roles):
        raise RuleViolation("您的角色无权执行此操作。")


@transaction.atomic
def publish_recognitions(*, actor: User, batch) -> Announcement:
    """Publish a batch's recognised bases (Art. 9: 统一公布): they enter the public register."""
    _require(actor, Role.PROVINCE)
    bases = list(
        Base.objects.select_for_update()
        .filter(batch=batch, published_at=None)
        .select_related("region")
        .order_by("sequence")
    )
    if not bases:
        raise RuleViolation("该批次没有待公布的新认定基地。")
    now = timezone.now()
    Base.objects.filter(pk__in=[b.pk for b in bases]).update(published_at=now)
    lines = "\n".join(f"{b.register_number}　{b.name}（{b.region.name}）" for b in bases)
    announcement = Announcement.objects.create(
        kind=AnnouncementKind.RECOGNITION,
        title=f"关于公布{batch.name}认定的省级专业技术人员继续教育基地名单的通知",
        body=(
            f"根据《福建省省级专业技术人员继续教育基地管理办法》第八条、第九条，经申报推荐、审核和实地考察，"
            f"认定以下{len(bases)}家机构为省级专业技术人员继续教育基地，现予公布。\n\n{lines}"
        ),
        published_at=now,
        batch=batch,
        created_by=actor,
    )
    announcement.bases.set(bases)
    for base in bases:
        timeline.record(base, actor=actor, action="publish", label="公布为省级继续教育基地", article="第九条")
    return announcement


@transaction.atomic
def save_fee_disclosure(*, actor: User, base_id, scope: str, content: str, fee_items: str) -> FeeDisclosure:
    """The base keeps its training scope, content, fee items and standards public (Art. 29)."""
    _require(actor, Role.INSTITUTION)
    base = access.get_visible_or_404(actor, Base.objects.select_for_update(), pk=base_id)
    if base.status not in (BaseStatus.ACTIVE, BaseStatus.RECTIFYING):
        raise RuleViolation("基地资格已撤销或取消，不能再更新收费公开信息。")
    disclosure, _ = FeeDisclosure.objects.get_or_create(
        base=base, defaults={"scope": "", "content": "", "fee_items": ""}
    )
    disclosure.scope, disclosure.content, disclosure.fee_items = scope.strip(), content.strip(), fee_items.strip()
    disclosure.full_clean()
    disclosure.save()
    timeline.record(base, actor=actor, action="fee_disclosure", label="更新收费公开信息", article="第二十九条")
    return disclosure


@transaction.atomic
def file_change(*, actor: User, base_id, changes: dict, reason: str, evidence) -> ChangeFiling:
    """A base files changed key facts with evidence (Art. 31)."""
    _require(actor, Role.INSTITUTION)
    base = access.get_visible_or_404(actor, Base.objects.select_for_update(), pk=base_id)
    if base.status not in (BaseStatus.ACTIVE, BaseStatus.RECTIFYING):
        raise RuleViolation("基地资格已撤销或取消，不能办理变更备案。")
    if base.change_filings.filter(state=ChangeFilingState.SUBMITTED).exists():
        raise RuleViolation("已有一份变更备案正在办理，请待其办结后再提交。")
    changes = {
        k: str(v).strip()
        for k, v in changes.items()
        if k in CHANGEABLE_FIELDS and str(v).strip() != str(getattr(base, k))
    }
    if not changes:
        raise RuleViolation("没有需要变更的内容：请至少修改一项信息。")
    if not reason.strip():
        raise RuleViolation("请填写变更原因。", field="reason")
    checked = uploads.check(evidence)
    filing = ChangeFiling(
        base=base,
        changes=changes,
        old_values={k: getattr(base, k) for k in changes},
        reason=reason.strip(),
        evidence_name=checked.original_name,
        evidence_type=checked.content_type,
        kind=checked.kind,
        submitted_by=actor,
    )
    filing.evidence.save(checked.original_name, checked.file, save=False)
    filing.save()
    timeline.record(
        base,
        actor=actor,
        action="file_change",
        label="提交变更备案",
        article="第三十一条",
        comment="；".join(f"{label}：{old} → {new}" for label, old, new in filing.change_rows),
    )
    notify(
        people.province_staff(),
        title=f"变更备案：{base.name}",
        body=f"{base.name}提交了变更备案，请审核。",
        url=reverse("bases:change_detail", args=[filing.pk]),
    )
    return filing


@transaction.atomic
def decide_change(*, actor: User, filing_id, accept: bool, comment: str = "") -> ChangeFiling:
    """The province records (accepts) a change filing, which updates and publishes the facts, or returns it."""
    _require(actor, Role.PROVINCE)
    filing = access.get_visible_or_404(
        actor, ChangeFiling.objects.select_for_update().select_related("base"), pk=filing_id
    )
    if filing.state != ChangeFilingState.SUBMITTED:
        raise RuleViolation(f"该变更备案当前状态为「{filing.get_state_display()}」，不能再办理。")
    if not accept and not comment.strip():
        raise RuleViolation("退回时请填写意见。", field="comment")
    base = Base.objects.select_for_update().get(pk=filing.base_id)
    filing.state = ChangeFilingState.ACCEPTED if accept else ChangeFilingState.RETURNED
    filing.decided_at = timezone.now()
    filing.save()
    if accept:
        for field, value in filing.changes.items():
            setattr(base, field, value)
        base.save()
        if base.published_at:
            Announcement.objects.create(
                kind=AnnouncementKind.CHANGE,
                title=f"{base.register_number}基地信息变更公告",
                body=f"经备案，{base.register_number}省级继续教育基地以下信息发生变更（第三十一条）：\n"
                + "\n".join(f"{label}：由“{old}”变更为“{new}”" for label, old, new in filing.change_rows),
                published_at=timezone.now(),
                base=base,
                created_by=actor,
            )
    timeline.record(
        base,
        actor=actor,
        action="decide_change",
        article="第三十一条",
        label="变更备案已备案" if accept else "变更备案被退回",
        comment=comment.strip(),
    )
    notify(
        people.institution_staff(base.institution_id),
        title="变更备案已备案" if accept else "变更备案被退回",
        body=(f"您提交的变更备案已{'备案并公布' if accept else '退回'}。" + (f"意见：{comment}" if comment else "")),
        url=reverse("bases:change_detail", args=[filing.pk]),
    )
    return filing
