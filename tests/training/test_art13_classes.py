"""Art. 13 (the forms of continuing-education service) and Art. 14 (public-benefit training, trainees from
revolutionary-base, ethnic and less-developed areas): a base records its classes; each is seen by its base, the
province and the recommending unit only, and checked for dates, hours and venue."""

from datetime import date
from decimal import Decimal

import pytest
from django.http import Http404

from core import access
from core.errors import RuleViolation
from tests import factories
from training import services
from training.models import TrainingClass

pytestmark = pytest.mark.django_db

CLASS = {
    "title": "2026年工程技术专业科目培训班",
    "service_form": "public_or_professional",
    "field": "工程技术",
    "starts_on": date(2026, 3, 2),
    "ends_on": date(2026, 3, 4),
    "hours": Decimal("24"),
    "mode": "offline",
    "venue": "福州市鼓楼区培训楼",
    "is_public_benefit": True,
    "planned_trainees": 80,
}


@pytest.fixture
def base():
    return factories.BaseFactory()


@pytest.fixture
def keeper(base):
    return factories.InstitutionUserFactory(institution=base.institution)


def test_the_base_adds_a_class_in_an_art13_service_form(base, keeper):
    training_class = services.add_class(actor=keeper, base_id=base.pk, **CLASS)

    assert training_class.base == base and training_class.is_public_benefit
    assert training_class.get_service_form_display() == "开展专业技术人员公需科目或专业科目培训"
    assert training_class.history.get().history_type == "+"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ends_on": date(2026, 3, 1)}, "ends_on", "结业日期不能早于开班日期。"),
        ({"hours": Decimal("0")}, "hours", "学时应大于0。"),
        ({"venue": ""}, "venue", "线下或线上线下结合的培训班请填写培训地点。"),
    ],
)
def test_a_class_with_wrong_dates_hours_or_no_venue_is_refused(base, keeper, change, field, message):
    with pytest.raises(RuleViolation) as refused:
        services.add_class(actor=keeper, base_id=base.pk, **{**CLASS, **change})

    assert (refused.value.field, str(refused.value)) == (field, message)
    assert not TrainingClass.objects.exists()


def test_an_online_class_keeps_no_venue(base, keeper):
    training_class = services.add_class(actor=keeper, base_id=base.pk, **{**CLASS, "mode": "online"})

    assert training_class.venue == ""


def test_a_class_with_participants_is_not_deleted_and_its_hours_not_cut_below_theirs(base, keeper):
    training_class = factories.TrainingClassFactory(base=base, hours=24)
    factories.ParticipantFactory(training_class=training_class, hours_attended=Decimal("20"))

    with pytest.raises(RuleViolation, match="已有学员"):
        services.delete_class(actor=keeper, class_id=training_class.pk)
    with pytest.raises(RuleViolation, match="20学时"):
        services.edit_class(actor=keeper, class_id=training_class.pk, **{**CLASS, "hours": Decimal("16")})

    empty = factories.TrainingClassFactory(base=base)
    services.delete_class(actor=keeper, class_id=empty.pk)
    assert not TrainingClass.objects.filter(pk=empty.pk).exists()


def test_another_base_cannot_touch_the_class(base):
    training_class = factories.TrainingClassFactory(base=base)
    stranger = factories.InstitutionUserFactory()

    with pytest.raises(Http404):
        services.edit_class(actor=stranger, class_id=training_class.pk, **CLASS)
    with pytest.raises(Http404):
        services.add_class(actor=stranger, base_id=base.pk, **CLASS)


def test_the_province_sees_all_the_recommender_its_bases_and_neither_edits(base):
    mine = factories.TrainingClassFactory(base=base)
    elsewhere = factories.TrainingClassFactory(
        base=factories.BaseFactory(application__recommender_region=factories.region("350200"))
    )
    province = factories.UserFactory(role="province")
    recommender = factories.RecommenderUserFactory(region=base.application.recommender_region)

    assert set(access.visible(province, TrainingClass.objects.all())) == {mine, elsewhere}
    assert list(access.visible(recommender, TrainingClass.objects.all())) == [mine]
    assert not access.can(province, "edit", mine) and not access.can(recommender, "edit", mine)
