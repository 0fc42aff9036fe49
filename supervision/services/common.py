"""What the supervision services share: the base an action is taken on, and attached documents."""

from bases.models import Base
from core import access, uploads

from ..models import (
    SupervisionDocument,
)


def base_for(actor, action: str, base_id) -> Base:
    """The base, locked, in the actor's scope (404 outside it), once `can(actor, action, base)` agrees."""
    base = access.get_visible_or_404(actor, Base.objects.select_for_update().select_related("institution"), pk=base_id)
    access.require(actor, action, base)
    return base


def attach(*, actor, file, uploaded_by=None, **owner) -> SupervisionDocument:
    return uploads.store(SupervisionDocument(uploaded_by=uploaded_by or actor, **owner), uploads.check(file))
