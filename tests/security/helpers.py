"""What the security tests read off a request: the tables it wrote to, and the URLs of the URL book."""

import re
from contextlib import contextmanager

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.urlbook import ID_ARGUMENTS

WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)
# Tables a request may write without changing anything of the portal's records.
HOUSEKEEPING = {"django_session"}
NO_SUCH_ID = 987_654_321


class Writes:
    tables: set[str]


@contextmanager
def writes():
    """`with writes() as w:` ... afterwards w.tables are the tables written to (housekeeping left out)."""
    result = Writes()
    with CaptureQueriesContext(connection) as sql:
        yield result
    result.tables = {
        m.group(1) for q in sql.captured_queries if (m := WRITE.match(q["sql"])) and m.group(1) not in HOUSEKEEPING
    }


@contextmanager
def rolled_back():
    """Whatever happens inside is undone, so the next role starts from the same world."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def url_of(entry, w, role=None) -> str:
    return reverse(entry.name, kwargs=entry.url_kwargs(w, role))


def url_without_object(entry, w) -> str:
    """The same URL with every record id replaced by one that does not exist."""
    kwargs = {
        k: (NO_SUCH_ID if k in ID_ARGUMENTS and isinstance(v, int) else v) for k, v in entry.url_kwargs(w).items()
    }
    return reverse(entry.name, kwargs=kwargs)
