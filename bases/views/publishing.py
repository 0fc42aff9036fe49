"""The preview every publication goes through (issue 14, point 6): the exact text, then one confirmation."""

from django.shortcuts import render

from core.forms import ConfirmPublishForm

from ..services.publishing import Draft, digest_of


def preview(request, drafts: Draft | list[Draft], *, action: str, back: str, back_label: str, data=None):
    """The page that shows what will be published and asks for the confirmation; `data` (a POST) is
    carried along, so the confirmation publishes what the form asked for."""
    drafts = [drafts] if isinstance(drafts, Draft) else list(drafts)
    confirm = ConfirmPublishForm(initial={"digest": digest_of(drafts)})
    return render(
        request,
        "partials/publish_preview.html",
        {
            "drafts": drafts,
            "numbered": any(d.numbered for d in drafts),
            "confirm_form": confirm,
            "carry": confirm.carried(data),
            "action": action,
            "back": back,
            "back_label": back_label,
        },
    )


def carry_digest(form, drafts: Draft | list[Draft]) -> None:
    """A form that shows its own preview (a decision that publishes an announcement): put the digest of the
    text shown in its hidden `digest`, so that its next POST confirms exactly that text."""
    digest = digest_of(drafts)
    if form.is_bound:
        form.data = form.data.copy()
        form.data[form.add_prefix("digest")] = digest
    else:
        form.initial["digest"] = digest
