"""What a base keeps public and files when it changes (Art. 29, 31): fee disclosure and change filings."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import access, events, uploads
from core.errors import RuleViolation
from core.workflow import perform

from ..models import (
    CHANGEABLE_FIELDS,
    Announcement,
    AnnouncementKind,
    Base,
    ChangeFiling,
    ChangeFilingState,
    FeeDisclosure,
)
from ..workflow import CHANGE_WORKFLOW
from .publishing import Draft, check_confirmed


@transaction.atomic
def save_fee_disclosure(*, actor: User, base_id, scope: str, content: str, fee_items: str) -> FeeDisclosure:
    """The base keeps its training scope, content, fee items and standards public (Art. 29)."""
    base = access.get_visible_or_404(actor, Base.objects.select_for_update(), pk=base_id)
    access.require(actor, "disclose_fees", base)
    disclosure = FeeDisclosure.objects.filter(base=base).first() or FeeDisclosure(base=base)
    disclosure.scope, disclosure.content, disclosure.fee_items = scope.strip(), content.strip(), fee_items.strip()
    disclosure.full_clean()
    disclosure.save()
    events.happened("fee_disclosure", actor=actor, base=base)
    return disclosure


@transaction.atomic
def file_change(*, actor: User, base_id, changes: dict, reason: str, evidence) -> ChangeFiling:
    """A base files changed key facts with evidence (Art. 31)."""
    base = access.get_visible_or_404(actor, Base.objects.select_for_update(), pk=base_id)
    access.require(actor, "file_change", base)
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
    changed = "；".join(f"{label}：{old} → {new}" for label, old, new in filing.change_rows)
    events.happened("file_change", actor=actor, base=base, filing=filing, changed=changed)
    return filing


def change_draft(filing: ChangeFiling) -> Draft | None:
    """The announcement accepting `filing` would publish (Art. 31), as it will read; None for a base not
    yet published (its facts reach the public with the recognised list)."""
    base = filing.base
    if not base.published_at:
        return None
    return Draft(
        kind_label=AnnouncementKind.CHANGE.label,
        title=f"{base.register_number}基地信息变更公告",
        body=f"经备案，{base.register_number}省级继续教育基地以下信息发生变更（第三十一条）：\n"
        + "\n".join(f"{label}：由“{old}”变更为“{new}”" for label, old, new in filing.change_rows),
    )


@transaction.atomic
def decide_change(
    *, actor: User, filing_id, accept: bool, comment: str = "", expected_digest: str | None = None
) -> ChangeFiling:
    """The province records (accepts) a change filing, which updates and publishes the facts, or returns it;
    from the page, an acceptance publishes only the text the province previewed."""
    filing, t = perform(
        workflow=CHANGE_WORKFLOW,
        queryset=ChangeFiling.objects.select_related("base"),
        pk=filing_id,
        action="accept" if accept else "return",
        actor=actor,
        comment=comment,
    )
    base = Base.objects.select_for_update().get(pk=filing.base_id)
    draft = change_draft(filing) if accept else None
    if draft is not None:
        check_confirmed(draft, expected_digest)
    filing.decided_at = timezone.now()
    filing.save(update_fields=["decided_at"])
    if accept:
        for field, value in filing.changes.items():
            setattr(base, field, value)
        base.save()
        if "name" in filing.changes:  # Art. 31: 机构名称 — the institution behind the base is renamed too
            institution = base.institution
            institution.name = filing.changes["name"]
            institution.save(update_fields=["name"])
        if draft is not None:
            Announcement.objects.create(
                kind=AnnouncementKind.CHANGE,
                title=draft.title,
                body=draft.body,
                published_at=timezone.now(),
                base=base,
                created_by=actor,
            )
    events.happened("decide_change", actor=actor, base=base, filing=filing, accepted=accept, comment=comment.strip())
    return filing
