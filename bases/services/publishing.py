"""What an announcement will say, shown to the province before anything is published (issue 14, point 6).

Each publishing service can draft its announcement without writing anything; the preview page shows the
draft and posts back its digest with the confirmation. If the text changed in between (another base was
recognised, a result was confirmed), the service refuses and the province sees the new draft.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from core.errors import Conflict

from ..models import Announcement

TO_BE_NUMBERED = "保存后分配"


@dataclass(frozen=True)
class Draft:
    """An announcement not yet published: its kind, title and body, and whether a numbered decision
    (文号 assigned when it is saved) is issued with it."""

    kind_label: str
    title: str
    body: str
    numbered: bool = False

    @property
    def number(self) -> str:
        return TO_BE_NUMBERED if self.numbered else ""

    @property
    def digest(self) -> str:
        return hashlib.sha256(f"{self.kind_label}\n{self.title}\n{self.body}".encode()).hexdigest()[:32]


def signature() -> str:
    """The signature block of a published decision: 发文机关署名 and 成文日期 (GB/T 9704)."""
    return f"{settings.ISSUING_AUTHORITY}\n{timezone.localdate():%Y年%-m月%-d日}"


def digest_of(drafts) -> str:
    """One digest for what a preview shows: a draft, or several published together."""
    if isinstance(drafts, Draft):
        return drafts.digest
    if len(drafts) == 1:
        return drafts[0].digest
    return hashlib.sha256("|".join(d.digest for d in drafts).encode()).hexdigest()[:32]


def check_confirmed(drafts, expected_digest: str | None) -> None:
    """Refuse to publish other words than those the province confirmed (None: no preview, e.g. the seed)."""
    if expected_digest is not None and expected_digest != digest_of(drafts):
        raise Conflict("待发布的内容在预览后已有变化，本次未发布。请核对新的预览内容后再确认发布。")


def announce(draft: Draft, *, kind: str, actor, number: str = "", base=None, bases=(), batch=None) -> Announcement:
    """Publish a draft word for word, as the province confirmed it (its 文号 filled in once assigned)."""
    announcement = Announcement.objects.create(
        kind=kind,
        title=draft.title,
        body=draft.body,
        number=number,
        published_at=timezone.now(),
        base=base,
        batch=batch,
        created_by=actor,
    )
    if bases:
        announcement.bases.set(bases)
    return announcement
