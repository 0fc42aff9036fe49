"""The two ways the domain refuses: a rule of the measures says no, or someone else acted first."""


class RuleViolation(Exception):
    """A rule of the measures (or of the workflow) refuses what the user asked; the message is for them.

    `field` names the form field the refusal is about, so the page can show it there; `article` cites
    the measures.
    """

    def __init__(self, message: str, *, article: str = "", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.article = article
        self.field = field

    def __str__(self):
        return f"{self.message}（{self.article}）" if self.article else self.message


class Conflict(RuleViolation):
    """Someone else changed the record first; nothing was done."""
