"""Art. 13, 14 and PIPL on the pages: the base keeps its classes and participants through forms that keep the
input on a refusal; ID numbers show masked to everyone and in full only to the base or the province after a
logged reason; other bases answer 404; the lists run a fixed number of queries."""

from datetime import date

import pytest
from django.urls import reverse

from tests import factories
from tests.helpers import assert_constant_queries, client_as, get_ok, visible_text
from training.models import Participant, PiiDisclosure, TrainingClass
from training.views import PAGE_SIZE

pytestmark = pytest.mark.django_db

NUMBER = factories.id_number(9)


@pytest.fixture
def base():
    return factories.BaseFactory()


@pytest.fixture
def training_class(base):
    return factories.TrainingClassFactory(base=base, hours=24)


@pytest.fixture
def keeper(base, client):
    return client_as(factories.InstitutionUserFactory(institution=base.institution), client)


def participant_data(**values):
    return {
        "name": "林学员",
        "id_number": NUMBER,
        "employer": "福州某设计院",
        "region": factories.region("350100").pk,
        "from_priority_area": "1",
        "hours_attended": "20",
        "result": "passed",
        **values,
    }


def test_the_base_adds_a_class_and_a_participant_from_its_pages(base, keeper):
    response = keeper.post(
        reverse("training:class_new", args=[base.pk]),
        {
            "title": "工程技术专业科目培训班",
            "service_form": "commissioned",
            "starts_on": "2026-03-02",
            "ends_on": "2026-03-04",
            "hours": "24",
            "mode": "offline",
            "venue": "福州",
            "is_public_benefit": "1",
            "planned_trainees": "60",
        },
    )
    training_class = TrainingClass.objects.get(base=base)
    assert response.status_code == 302 and training_class.is_public_benefit

    response = keeper.post(reverse("training:participant_new", args=[training_class.pk]), participant_data())

    assert response.status_code == 302
    page = visible_text(get_ok(keeper, reverse("training:class_detail", args=[training_class.pk])))
    assert "林学员" in page and f"{NUMBER[:4]}**********{NUMBER[-4:]}" in page and NUMBER not in page
    assert "培训班与学员" in visible_text(get_ok(keeper, reverse("bases:detail", args=[base.pk])))


def test_a_bad_check_digit_is_refused_under_the_field_and_the_form_keeps_the_input(training_class, keeper):
    wrong = NUMBER[:17] + ("0" if NUMBER[17] != "0" else "1")

    response = keeper.post(
        reverse("training:participant_new", args=[training_class.pk]), participant_data(id_number=wrong)
    )

    assert response.status_code == 200 and not Participant.objects.exists()
    html = response.content.decode()
    assert "身份证号码的校验码（第18位）不正确" in html
    assert f'value="{wrong}"' in html and 'value="福州某设计院"' in html


def test_hours_beyond_the_class_and_a_duplicate_person_are_refused_on_the_page(training_class, keeper):
    url = reverse("training:participant_new", args=[training_class.pk])
    response = keeper.post(url, participant_data(hours_attended="30"))
    assert "学时超过培训班总学时（24学时）" in response.content.decode()

    keeper.post(url, participant_data())
    response = keeper.post(url, participant_data(name="另一人"))
    assert "该学员已在本培训班名单中" in response.content.decode()
    assert Participant.objects.count() == 1


def test_the_base_reveals_a_number_with_a_reason_and_it_shows_on_that_response_only(training_class, keeper):
    participant = factories.ParticipantFactory(training_class=training_class, number=NUMBER)
    url = reverse("training:reveal_id", args=[participant.pk])

    response = keeper.post(url, {"reason": ""})
    assert "请填写查看完整身份证号码的理由" in response.content.decode() and not PiiDisclosure.objects.exists()

    response = keeper.post(url, {"reason": "核对结业证书"})

    assert response.status_code == 200 and NUMBER in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert PiiDisclosure.objects.get().reason == "核对结业证书"
    assert NUMBER not in get_ok(keeper, reverse("training:participant", args=[participant.pk])).content.decode()


def test_the_province_may_reveal_too(training_class, client):
    participant = factories.ParticipantFactory(training_class=training_class, number=NUMBER)
    province = client_as(factories.UserFactory(role="province"), client)

    response = province.post(reverse("training:reveal_id", args=[participant.pk]), {"reason": "学习档案核对"})

    assert NUMBER in response.content.decode() and PiiDisclosure.objects.count() == 1


def test_the_recommender_sees_masked_numbers_and_cannot_reveal(base, training_class, client):
    participant = factories.ParticipantFactory(training_class=training_class, number=NUMBER)
    recommender = client_as(factories.RecommenderUserFactory(region=base.application.recommender_region), client)

    page = get_ok(recommender, reverse("training:class_detail", args=[training_class.pk])).content.decode()
    assert participant.id_masked in page and NUMBER not in page and "添加学员" not in page
    assert recommender.post(reverse("training:reveal_id", args=[participant.pk]), {"reason": "看看"}).status_code == 404
    assert not PiiDisclosure.objects.exists()
    listed = visible_text(get_ok(recommender, reverse("training:all_classes")))
    assert training_class.title in listed


def test_another_base_gets_404_for_the_class_and_its_participants(training_class, client):
    participant = factories.ParticipantFactory(training_class=training_class)
    stranger = client_as(factories.InstitutionUserFactory(), client)

    for url in (
        reverse("training:class_detail", args=[training_class.pk]),
        reverse("training:class_edit", args=[training_class.pk]),
        reverse("training:participant", args=[participant.pk]),
        reverse("training:base_classes", args=[training_class.base_id]),
    ):
        assert stranger.get(url).status_code == 404, url
    assert stranger.post(reverse("training:reveal_id", args=[participant.pk]), {"reason": "x"}).status_code == 404
    assert stranger.post(reverse("training:participant_remove", args=[participant.pk])).status_code == 404


def test_the_class_lists_run_a_fixed_number_of_queries(base, training_class, keeper, client):
    province = client_as(factories.UserFactory(role="province"), None)
    factories.ParticipantFactory(training_class=training_class)

    def grow():
        for _ in range(4):
            klass = factories.TrainingClassFactory(base=base)
            factories.ParticipantFactory(training_class=klass)
        for other in factories.BaseFactory.create_batch(3):  # more bases in the province's filter, more classes
            factories.ParticipantFactory(training_class=factories.TrainingClassFactory(base=other))

    assert_constant_queries(
        {
            "base": lambda: get_ok(keeper, reverse("training:base_classes", args=[base.pk])),
            "province": lambda: get_ok(province, reverse("training:all_classes")),
        },
        grow,
        # the rows, then their participant counts in one query; the province's filters also list bases and cities
        pinned={"base": 6, "province": 9},
        warm=True,
    )


def test_the_class_lists_count_each_shown_class_s_participants(base, keeper):
    """The counts come in a query of their own for the page's rows: right on a later page and for an empty class."""
    province = client_as(factories.UserFactory(role="province"), None)
    first = factories.TrainingClassFactory(
        base=base, title="最早的班", starts_on=date(2020, 3, 2), ends_on=date(2020, 3, 4)
    )
    factories.ParticipantFactory.create_batch(3, training_class=first)
    empty = factories.TrainingClassFactory(
        base=base, title="没有学员的班", starts_on=date(2020, 4, 1), ends_on=date(2020, 4, 2)
    )
    for _ in range(PAGE_SIZE):  # newer classes fill the first page
        factories.ParticipantFactory(training_class=factories.TrainingClassFactory(base=base))
    for client, url in (
        (keeper, reverse("training:base_classes", args=[base.pk])),
        (province, reverse("training:all_classes")),
    ):
        first_page = visible_text(get_ok(client, url))
        assert "最早的班" not in first_page and "没有学员的班" not in first_page
        rows = get_ok(client, url + "?page=2").context["page_obj"].object_list
        assert [(c.title, c.participant_count) for c in rows] == [(empty.title, 0), (first.title, 3)], url


def test_the_participant_table_runs_a_fixed_number_of_queries(training_class, keeper):
    factories.ParticipantFactory(training_class=training_class)
    url = reverse("training:class_detail", args=[training_class.pk])

    def grow():
        for _ in range(9):
            factories.ParticipantFactory(training_class=training_class, region=factories.region("350200"))

    assert_constant_queries(lambda: get_ok(keeper, url), grow, pinned=6, warm=True)
