"""Categories (分类管理, Art. 3): the fields and institution kinds the province maintains, and what uses them.

The records that name a category live in apps above this one (applications, bases), so this module offers
two hooks they fill from their AppConfig.ready():
- `register_usage(fn)`: `fn(category) -> list[str]`, each string naming a use that forbids retiring it
  ("2家在册基地"); the province cannot retire a category a live base or an open application still names.
- `register_free_text(fn)`: `fn() -> Iterable[tuple[str, str]]` yields (where, text) of the free text written
  before the fields became categories; the unmapped-words report reads it through the fields' names and
  aliases.
"""

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .models import TrainingField, TrainingFieldAlias

SEPARATORS = re.compile(r"[、,，;；/／\s]+")

_usage: list[Callable[[object], list[str]]] = []
_free_text: list[Callable[[], Iterable[tuple[str, str]]]] = []


def register_usage(fn: Callable[[object], list[str]]) -> None:
    if fn not in _usage:
        _usage.append(fn)


def register_free_text(fn: Callable[[], Iterable[tuple[str, str]]]) -> None:
    if fn not in _free_text:
        _free_text.append(fn)


def uses(category) -> list[str]:
    """What still uses the category and so forbids retiring it (empty when it may be retired)."""
    return [use for fn in _usage for use in fn(category)]


def words(text: str) -> list[str]:
    """The words of a free-text list of fields ("工程技术、卫生健康" → ["工程技术", "卫生健康"])."""
    return [word for word in SEPARATORS.split(text or "") if word]


def known_words() -> dict[str, int]:
    """Every word that names a field: the fields' names and their aliases (2 queries)."""
    known = dict(TrainingField.objects.values_list("name", "pk"))
    known.update(TrainingFieldAlias.objects.values_list("word", "field_id"))
    return known


@dataclass(frozen=True)
class UnmappedWord:
    word: str
    count: int
    where: tuple[str, ...]  # a few of the records that wrote it


def unmapped_words(limit_examples: int = 3) -> list[UnmappedWord]:
    """The words of the old free text that name no field or alias, most frequent first."""
    known = known_words()
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for fn in _free_text:
        for where, text in fn():
            for word in words(text):
                if word not in known:
                    counts[word] += 1
                    found = examples.setdefault(word, [])
                    if len(found) < limit_examples:
                        found.append(where)
    return [UnmappedWord(word, n, tuple(examples[word])) for word, n in counts.most_common()]
