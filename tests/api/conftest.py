"""Fixtures of the API tests: a base and the institution user who keeps its tokens."""

import pytest

from tests import factories


@pytest.fixture
def base(db):
    return factories.BaseFactory()


@pytest.fixture
def keeper(base):
    return factories.InstitutionUserFactory(institution=base.institution)
