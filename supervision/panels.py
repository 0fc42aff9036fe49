"""The cards supervision adds to a base's page (bases.panels): its compliance with the standing duties."""

from django.utils import timezone

from bases.panels import Panel, base_panel
from core import access

from . import selectors


@base_panel
def compliance(user, base):
    """Green / due / failing per duty, with the article (issue 18 (4)); for the province and the base's own."""
    if not base.is_live or not access.may(user, "see_compliance"):
        return None
    today = timezone.localdate()
    reminded = selectors.last_reminders(base)
    return Panel(
        "supervision/_compliance_card.html",
        {
            "rows": [(s, reminded.get(s.duty)) for s in selectors.compliance_card(base, today)],
            "may_remind": access.may(user, "watch_obligations"),
            "base": base,
        },
    )
