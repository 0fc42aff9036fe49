"""PIPL (issue 17, point 4) and Art. 13 records: a participant's ID number is checked (GB 11643), stored only
sealed, fingerprinted and masked (never in plain, not in the history either), kept once per class, and revealed
only to the base itself or the province, each reveal logged with who and why."""

from decimal import Decimal

import pytest
from django.db import connection

from core import pii
from core.errors import RuleViolation
from tests import factories
from training import services
from training.models import Participant, PiiDisclosure

pytestmark = pytest.mark.django_db

NUMBER = factories.id_number(7)


@pytest.fixture
def training_class():
    return factories.TrainingClassFactory(hours=24)


@pytest.fixture
def keeper(training_class):
    return factories.InstitutionUserFactory(institution=training_class.base.institution)


def add(keeper, training_class, **values):
    return services.add_participant(
        actor=keeper,
        class_id=training_class.pk,
        **{"name": "林学员", "id_number": NUMBER, "hours_attended": Decimal("20"), "result": "passed", **values},
    )


def test_the_base_adds_a_participant_whose_number_is_sealed_fingerprinted_and_masked(keeper, training_class):
    participant = add(keeper, training_class)

    assert participant.id_masked == f"{NUMBER[:4]}**********{NUMBER[-4:]}"
    assert participant.id_fingerprint == pii.fingerprint(NUMBER)
    assert pii.unseal(participant.id_number_sealed) == NUMBER


def test_the_plain_number_is_nowhere_in_the_participant_row_or_its_history(keeper, training_class):
    participant = add(keeper, training_class)
    services.edit_participant(
        actor=keeper, participant_id=participant.pk, name="林学员", hours_attended=Decimal("22"), result="passed"
    )

    rows = []
    with connection.cursor() as cursor:
        for table in (Participant._meta.db_table, Participant.history.model._meta.db_table):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - a fixed table name
            rows += cursor.fetchall()
    assert len(rows) == 3  # the row and its two history entries
    assert not any(NUMBER in str(value) for row in rows for value in row)
    assert "id_number_sealed" not in {f.name for f in Participant.history.model._meta.fields}


def test_a_bad_check_digit_is_refused_with_its_chinese_reason(keeper, training_class):
    wrong = NUMBER[:17] + ("0" if NUMBER[17] != "0" else "1")

    with pytest.raises(RuleViolation) as refused:
        add(keeper, training_class, id_number=wrong)

    assert refused.value.field == "id_number"
    assert "校验码" in str(refused.value)
    assert not Participant.objects.exists()


def test_hours_beyond_the_class_are_refused(keeper, training_class):
    with pytest.raises(RuleViolation) as refused:
        add(keeper, training_class, hours_attended=Decimal("25"))

    assert str(refused.value) == "学时超过培训班总学时（24学时）。"
    assert refused.value.field == "hours_attended"


def test_the_same_person_is_once_per_class_but_may_attend_another(keeper, training_class):
    add(keeper, training_class)

    with pytest.raises(RuleViolation) as refused:
        add(keeper, training_class, name="林学员（重复）", id_number=NUMBER.lower())

    assert str(refused.value) == "该学员已在本培训班名单中。"
    other = factories.TrainingClassFactory(base=training_class.base)
    add(keeper, other)
    assert Participant.objects.filter(id_fingerprint=pii.fingerprint(NUMBER)).count() == 2


def test_the_base_reveals_a_number_with_a_reason_and_the_reveal_is_logged(keeper, training_class):
    participant = add(keeper, training_class)

    with pytest.raises(RuleViolation) as refused:
        services.reveal_id_number(actor=keeper, participant_id=participant.pk, reason="  ")
    assert refused.value.field == "reason" and not PiiDisclosure.objects.exists()

    shown = services.reveal_id_number(actor=keeper, participant_id=participant.pk, reason="核对结业证书")

    assert shown == NUMBER
    log = PiiDisclosure.objects.get()
    assert (log.user, log.participant, log.reason) == (keeper, participant, "核对结业证书")
    assert log.id_masked == participant.id_masked


def test_the_recommender_may_not_reveal_a_number(training_class):
    participant = factories.ParticipantFactory(training_class=training_class)
    recommender = factories.RecommenderUserFactory(region=training_class.base.application.recommender_region)

    with pytest.raises(RuleViolation):
        services.reveal_id_number(actor=recommender, participant_id=participant.pk, reason="想看看")

    assert not PiiDisclosure.objects.exists()


def test_a_removed_participant_keeps_its_reveal_log(keeper, training_class):
    participant = add(keeper, training_class)
    services.reveal_id_number(actor=keeper, participant_id=participant.pk, reason="核对")

    services.remove_participant(actor=keeper, participant_id=participant.pk)

    log = PiiDisclosure.objects.get()
    assert log.participant is None and log.participant_name == "林学员"
