"""Two officials acting on one hearing at the same moment (SPEC 2.10, "Bad input and races"): one notice,
one 文号, one decision. PostgreSQL only (real row locks); skipped locally, required in CI."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from applications.models import Hearing, HearingKind
from core.models import Decision, DecisionKind, DecisionSequence
from supervision.models import Revocation
from tests import factories
from tests.helpers import client_as, revocation_digest

from .conftest import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    factories.restore_reference_data()


@pytest.fixture
def two_staff(postgres):
    return [client_as(factories.UserFactory(role=Role.PROVINCE)) for _ in range(2)]


def revocation_post(**extra):
    return {
        "ground": "public_opinion",
        "reason": "授课内容引发重大舆情。",
        "effective_on": timezone.localdate().isoformat(),
        **extra,
    }


def test_two_officials_giving_the_same_notice_at_once_give_one(two_staff):
    base = factories.BaseFactory()
    url = reverse("supervision:revoke", args=[base.pk])
    results = race(*[lambda c=c: c.post(url, revocation_post()) for c in two_staff])
    assert all(kind == "ok" for kind, _ in results), results
    assert Hearing.objects.filter(object_id=base.pk, kind=HearingKind.REVOCATION).count() == 1
    notices = Decision.objects.filter(kind=DecisionKind.HEARING_NOTICE)
    assert notices.count() == 1
    # the number the loser would have taken was rolled back with it: numbers stay contiguous
    assert DecisionSequence.objects.get().last == 1


def test_two_officials_deciding_one_hearing_at_once_issue_one_decision(two_staff):
    base = factories.BaseFactory()
    factories.heard(base, HearingKind.REVOCATION)
    url = reverse("supervision:revoke", args=[base.pk])
    data = revocation_post()
    data["digest"] = revocation_digest(base, **{k: data[k] for k in ("ground", "reason", "effective_on")})
    results = race(*[lambda c=c: c.post(url, data) for c in two_staff])
    assert all(kind == "ok" for kind, _ in results), results
    assert Revocation.objects.filter(base=base).count() == 1
    assert Decision.objects.filter(kind=DecisionKind.REVOCATION).count() == 1
    assert Hearing.objects.get(object_id=base.pk, kind=HearingKind.REVOCATION).decision is not None
