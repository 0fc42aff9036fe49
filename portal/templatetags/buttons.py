"""How an action's button looks: presentation, kept out of the workflow tables."""

from django import template

register = template.Library()

BUTTON_STYLES = {
    "withdraw": "outline-danger",
    "recommend": "success",
    "return_recommender": "warning",
    "not_recommend": "danger",
    "return_province": "warning",
    "approve": "success",
    "reject": "danger",
    "accept": "success",
    "return": "warning",
    "send_back": "warning",
    "confirm": "success",
    "pass": "success",
    "fail": "danger",
    "declare": "success",
    "conflict": "warning",
    "refuse": "outline-secondary",
}


@register.filter
def button_style(transition) -> str:
    """The Bootstrap style of a transition's button (btn-primary unless it approves, returns or refuses)."""
    return BUTTON_STYLES.get(getattr(transition, "action", transition), "primary")
