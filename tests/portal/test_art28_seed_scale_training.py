"""`seed_scale` grows training records (issue 17, Scale and speed): its small default setting puts classes of 100
at the scale bases over three years, with participants whose ID numbers are valid GB 11643 numbers kept only
sealed, fingerprinted and masked; people recur across classes, so an Art. 28 learning record has several lines;
and running it again adds nothing."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from core import pii
from portal import scale_training
from portal.management.commands.seed_scale import PREFIX
from tests import factories
from training import selectors
from training.models import Participant, TrainingClass

pytestmark = pytest.mark.django_db


@pytest.fixture
def scale_bases():
    """Three bases named as seed_scale names its own: the province part counts as present and is skipped."""
    return [
        factories.BaseFactory(
            application__institution__name=f"{PREFIX}培训机构测试{n}", name=f"{PREFIX}培训机构测试{n}"
        )
        for n in range(3)
    ]


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_scale", stdout=out, **options)
    return out.getvalue()


def test_the_small_setting_grows_classes_and_participants_with_sealed_valid_numbers(scale_bases):
    factories.ParticipantFactory()  # someone else's class stays as it is
    output = seed()
    assert "规模数据已存在，跳过。" in output and "培训记录已生成" in output
    classes = TrainingClass.objects.filter(base__in=scale_bases)
    participants = Participant.objects.filter(training_class__in=classes).select_related("training_class")
    assert participants.count() == scale_training.DEFAULT_PARTICIPANTS == 20_000
    assert classes.count() == 200
    assert {b.pk for b in scale_bases} == set(classes.values_list("base", flat=True))
    this_year = timezone.localdate().year
    assert set(classes.values_list("starts_on__year", flat=True)) == {this_year, this_year - 1, this_year - 2}
    people = set()
    for participant in participants:
        number = pii.unseal(participant.id_number_sealed)
        assert pii.id_number_error(number) is None, number
        assert participant.id_fingerprint == pii.fingerprint(number)
        assert participant.id_masked == pii.mask(number) != number
        assert participant.hours_attended <= participant.training_class.hours
        people.add(number)
    assert len(people) == scale_training.people_for(20_000) == 6_700  # each in about three classes


def test_a_seeded_trainee_s_learning_record_has_classes_at_several_bases(scale_bases):
    seed(participants=900)
    someone = Participant.objects.filter(training_class__base__in=scale_bases).order_by("id").first()
    record = list(selectors.learning_record(id_number=pii.unseal(someone.id_number_sealed)))
    assert len(record) == 3
    assert len({p.training_class.base_id for p in record}) > 1
    assert len({p.training_class_id for p in record}) == 3


def test_seeding_again_adds_nothing_and_bulk_participants_have_no_history_rows(scale_bases):
    seed(participants=900)
    counts = (TrainingClass.objects.count(), Participant.objects.count())
    assert counts == (9, 900)
    assert TrainingClass.history.count() == 9  # the classes keep their history; the bulk participants none
    assert Participant.history.count() == 0
    assert "培训记录已存在，跳过。" in seed(participants=900)
    assert (TrainingClass.objects.count(), Participant.objects.count()) == counts


def test_the_generated_id_numbers_are_distinct_and_valid():
    numbers = [scale_training.id_number(n) for n in range(0, 3_000_000, 997)]
    assert len(set(numbers)) == len(numbers)
    assert all(pii.id_number_error(n) is None for n in numbers)
