"""The helpers every test folder shares: a client signed in as someone (and a GET that must answer 200), the
text a page shows, and the one assertion that a list runs a fixed number of SQL queries however long it is.

`client_as` is also a fixture (tests/conftest.py) for the tests that take it as an argument.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from html.parser import HTMLParser
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

# -- signing in --------------------------------------------------------------------------------------


def client_as(user, client: Client | None = None, **client_kwargs) -> Client:
    """A test client signed in as `user` (anonymous when `user` is None).

    Without `client`, a fresh one (made with `client_kwargs`), so several people can act side by side; with
    one, that client is signed out first and then signed in as `user`, so one client can play role after role.
    """
    if client is None:
        client = Client(**client_kwargs)
    else:
        client.logout()
    if user is not None:
        client.force_login(user)
    return client


def get_ok(client: Client, url: str, *args, **kwargs):
    """`client.get(url, ...)`, asserted to answer 200."""
    response = client.get(url, *args, **kwargs)
    assert response.status_code == 200, f"GET {url}: {response.status_code}"
    return response


# -- what a page shows -------------------------------------------------------------------------------


class _Text(HTMLParser):
    """The text of a page outside <script>, <style> and <title>."""

    SKIPPED = ("script", "style", "title")

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(response_or_html) -> str:
    """The words a reader sees on a page (a response or its HTML): no markup, no script, style or <title>,
    entities decoded, whitespace collapsed to single spaces."""
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.content.decode()
    parser = _Text()
    parser.feed(html)
    parser.close()
    return re.sub(r"\s+", " ", " ".join(parser.parts)).strip()


# -- counting SQL queries ------------------------------------------------------------------------------


def count_queries(fn: Callable[[], Any]) -> tuple[int, Any]:
    """How many SQL queries `fn()` runs, and what it returned."""
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return len(ctx.captured_queries), result


def assert_constant_queries(
    fetch: Callable[[], Any] | Mapping[str, Callable[[], Any]],
    grow: Callable[[], Any] | None,
    *,
    also: Iterable[Callable[[], Any]] = (),
    pinned: int | Mapping[str, int] | None = None,
    warm: bool = False,
) -> Any:
    """Assert that a list (a page, an export, a selector, a job) runs a fixed number of SQL queries however
    many rows it has.

    `fetch()` reads the list; it runs, `grow()` adds rows (None: nothing is added), and it runs again: both runs
    must make the same number of queries. Each callable of `also` (another page of the list, the list
    filtered), run after the rows were added, must make that number too; with `pinned`, it must be exactly
    that number (a query that creeps into a loop or a template shows even where it does not grow). `warm` runs
    `fetch()` once beforehand, so the session and content-type caches are filled.

    `fetch` may also be several callables by name, each counted on its own over the same `grow()` (then
    `pinned` is by name too, and `also` is not allowed). Returns what the last call returned (by name for
    several).
    """
    if isinstance(fetch, Mapping):
        assert not also, "`also` compares with a single fetch"
        fetches, pins = dict(fetch), dict(pinned or {})
    else:
        fetches, pins = {"": fetch}, ({} if pinned is None else {"": pinned})
    if warm:
        for fn in fetches.values():
            fn()
    before = {name: count_queries(fn)[0] for name, fn in fetches.items()}
    if grow is not None:
        grow()
    results = {}
    for name, fn in fetches.items():
        after, results[name] = count_queries(fn)
        label = f"{name}: " if name else ""
        assert after == before[name], f"{label}{before[name]} queries before the rows were added, {after} after"
        if name in pins:
            assert after == pins[name], f"{label}{after} queries, pinned at {pins[name]}"
    if not isinstance(fetch, Mapping):
        for other in also:
            n, results[""] = count_queries(other)
            assert n == before[""], f"{n} queries here, {before['']} for the list itself"
        return results[""]
    return results


def post_confirmed(client, url, data=None, **extra):
    """POST a publishing form, then confirm the preview it answers with (issue 14, point 6): the second
    POST carries the same data and the digest of the previewed text. Returns the confirmation's response."""
    import re

    data = dict(data or {})
    preview = client.post(url, data)
    assert preview.status_code == 200, f"no preview at {url}: {preview.status_code}"
    found = re.search(r'name="confirm-digest" value="([0-9a-f]+)"', preview.content.decode())
    assert found, f"the preview at {url} offers no confirmation"
    return client.post(url, {**data, "confirm-digest": found.group(1)}, **extra)


def revocation_digest(base, *, ground, reason, effective_on) -> str:
    """The digest of the announcement the revoke page previews, which its POST confirms (issue 14 (6))."""
    from datetime import date

    from supervision.services import announcement_draft

    if isinstance(effective_on, str):
        effective_on = date.fromisoformat(effective_on)
    return announcement_draft(base, ground=ground, reason=reason.strip(), effective_on=effective_on).digest


def adjustment_post(base, *, reason="建设单位更名", name_suffix="（调整）") -> dict:
    """A POST the adjust page takes at once (Art. 4): the base renamed and given a field, confirmed with the
    digest of the announcement the page previews."""
    from accounts.models import TrainingField
    from bases.services import adjustment_draft, proposal

    field = TrainingField.objects.in_use().exclude(bases=base).order_by("pk").first()
    today = timezone.localdate()
    name = base.name + name_suffix
    asked = proposal(base, training_fields=[field], name=name)
    return {
        "training_fields": [field.pk],
        "institution_type": base.institution_type_id,
        "name": name,
        "institution": base.institution_id,
        "reason": reason,
        "effective_on": today.isoformat(),
        "digest": adjustment_draft(base, rows=asked.rows, reason=reason, effective_on=today).digest,
    }


def merger_post(base, into, *, reason="两基地整合") -> dict:
    """A POST the merge page takes at once (Art. 4), confirmed with the digest of its announcement."""
    from bases.services import adjustment_draft

    today = timezone.localdate()
    draft = adjustment_draft(base, rows=[], reason=reason, effective_on=today, merged_into=into)
    return {"merged_into": into.pk, "reason": reason, "effective_on": today.isoformat(), "digest": draft.digest}


def fraud_digest(app, *, facts) -> str:
    """The digest of the announcements a fraud finding previews, which its POST confirms (issue 15 (7))."""
    from bases.services.publishing import digest_of
    from supervision.services import fraud_drafts

    return digest_of(fraud_drafts(app, facts=facts))
