"""Cards other apps add to a base's page, without this layer importing them.

The base's page (bases/views/bases.py) sits below supervision, so supervision registers its cards here from its
AppConfig (the compliance card of issue 18 (4)); the page asks `panels_for` and includes each card's template.
A card function takes the viewer and the base and returns a Panel, or None when it has nothing to show them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict = field(default_factory=dict)


Card = Callable[..., Panel | None]
_cards: list[Card] = []


def base_panel(fn: Card) -> Card:
    """Register `fn(user, base)` as a card of the base's page."""
    if fn not in _cards:
        _cards.append(fn)
    return fn


def panels_for(user, base) -> list[Panel]:
    return [panel for card in _cards if (panel := card(user, base)) is not None]
