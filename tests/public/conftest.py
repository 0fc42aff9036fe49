"""Fixtures for the public side: published bases, an anonymous visitor, a proposed application
under public notice, and helpers that read what a page shows."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from applications.models import Application
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    """A moment on the Asia/Shanghai clock, for time_machine.travel()."""
    return datetime(*args, tzinfo=SHANGHAI)


def published_base(**fields):
    """A base already in the public register (BaseFactory leaves published_at empty)."""
    return factories.BaseFactory(published_at=timezone.now(), **fields)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """Verification and open data are rate-limited per address and minute, and every test client comes from
    127.0.0.1 (with Redis the counters even outlive the test): lift the limits for these tests."""
    settings.RATE_LIMITS = {name: 1_000_000 for name in settings.RATE_LIMITS}


# -- reading pages ----------------------------------------------------------------------------------


def page_title(response) -> str:
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert match, "the page has no <title>"
    return match.group(1).strip()


def listed_bases(response) -> list[int]:
    """The ids of the bases linked from a register page, in the order shown."""
    return [int(pk) for pk in re.findall(r'href="/public/bases/(\d+)/"', response.content.decode())]


# -- clients ----------------------------------------------------------------------------------------


@pytest.fixture
def visitor(db) -> Client:
    """Someone on the public side, not signed in."""
    return Client()


# -- bases --------------------------------------------------------------------------------------------


@pytest.fixture
def own_base(institution_user):
    """A published base of institution_user's institution (福州)."""
    app = factories.ApplicationFactory(
        complete=True, institution=institution_user.institution, created_by=institution_user, state="approved"
    )
    return published_base(application=app, name=institution_user.institution.name)


@pytest.fixture
def xiamen_recommender(db):
    """A recommender of another unit (厦门市人社局) than the one that recommended own_base."""
    return factories.RecommenderUserFactory(region=factories.region("350200"))


# -- the public notice ------------------------------------------------------------------------------


def proposed_application(batch=None, **institution) -> Application:
    """A complete application whose site visit is recorded: what the province may put on notice."""
    inst = factories.InstitutionFactory(**institution)
    app = factories.ApplicationFactory(
        complete=True, institution=inst, state="site_visit", **({"batch": batch} if batch else {})
    )
    factories.SiteVisitFactory(application=app, noticed=False)  # the tests put it on notice themselves
    return app
