"""Art. 29: each base publishes its training scope, content, fee items and standards on its public page."""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from bases.models import Base, FeeDisclosure
from tests.helpers import visible_text

from .conftest import SHANGHAI

pytestmark = pytest.mark.django_db

FEES = {
    "scope": "面向全省工程技术领域专业技术人员",
    "content": "公需科目、专业科目、新技术新工艺培训",
    "fee_items": "公需科目培训 每人每学时 20元\n\n专业科目培训 每人每学时 30元\n",
}


def test_institution_saves_its_fees_and_the_public_page_shows_them_with_the_update_date(
    client_as, visitor, institution_user, own_base
):
    institution = client_as(institution_user)
    with time_machine.travel(datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)):
        assert institution.get(reverse("bases:fee_disclosure", args=[own_base.pk])).status_code == 200
        response = institution.post(reverse("bases:fee_disclosure", args=[own_base.pk]), FEES, follow=True)

    assert response.redirect_chain[-1][0] == reverse("bases:detail", args=[own_base.pk])
    assert "收费公开信息已更新" in visible_text(response)
    stored = FeeDisclosure.objects.get(base=own_base)
    assert stored.fee_lines == ["公需科目培训 每人每学时 20元", "专业科目培训 每人每学时 30元"]

    page = visitor.get(reverse("public:base", args=[own_base.pk]))
    text = visible_text(page)
    assert "面向全省工程技术领域专业技术人员" in text
    assert "公需科目、专业科目、新技术新工艺培训" in text
    assert "<li>公需科目培训 每人每学时 20元</li><li>专业科目培训 每人每学时 30元</li>" in page.content.decode()
    assert "最近更新 2026年3月2日" in text


def test_updating_the_fees_moves_the_update_date_and_keeps_the_old_version(
    client_as, visitor, institution_user, own_base
):
    institution = client_as(institution_user)
    url = reverse("bases:fee_disclosure", args=[own_base.pk])
    with time_machine.travel(datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)):
        institution.post(url, FEES)
    with time_machine.travel(datetime(2026, 5, 20, 0, 5, tzinfo=SHANGHAI)):  # just after midnight in Fujian
        page = institution.get(url).content.decode()
        assert "公需科目培训 每人每学时 20元" in page  # the form starts from what is published
        institution.post(url, {**FEES, "fee_items": "公需科目培训 每人每学时 25元"})

    text = visible_text(visitor.get(reverse("public:base", args=[own_base.pk])))
    assert "每人每学时 25元" in text and "每人每学时 20元" not in text
    assert "最近更新 2026年5月20日" in text
    disclosure = FeeDisclosure.objects.get(base=own_base)
    kept = list(disclosure.history.values_list("fee_items", flat=True))
    assert any("20元" in items for items in kept) and any("25元" in items for items in kept)
    assert FeeDisclosure.objects.count() == 1


def test_fee_disclosure_with_a_missing_item_keeps_what_was_typed(client_as, institution_user, own_base):
    response = client_as(institution_user).post(
        reverse("bases:fee_disclosure", args=[own_base.pk]), {**FEES, "fee_items": ""}
    )

    assert response.status_code == 200
    assert "此项为必填" in visible_text(response)
    assert "面向全省工程技术领域专业技术人员" in response.content.decode()
    assert not FeeDisclosure.objects.exists()


def test_another_institution_gets_404_and_cannot_change_the_fees(client_as, other_institution_user, own_base):
    other = client_as(other_institution_user)
    url = reverse("bases:fee_disclosure", args=[own_base.pk])

    assert other.get(url).status_code == 404
    assert other.post(url, FEES).status_code == 404
    assert not FeeDisclosure.objects.exists()


def test_province_and_recommender_do_not_edit_a_bases_fees(client_as, province_user, recommender_user, own_base):
    url = reverse("bases:fee_disclosure", args=[own_base.pk])

    assert client_as(province_user).post(url, FEES).status_code == 404
    assert client_as(recommender_user).post(url, FEES).status_code == 404
    assert not FeeDisclosure.objects.exists()


def test_revoked_base_can_no_longer_update_its_fees(client_as, institution_user, own_base):
    Base.objects.filter(pk=own_base.pk).update(status="revoked")

    response = client_as(institution_user).post(reverse("bases:fee_disclosure", args=[own_base.pk]), FEES)

    assert "不能再更新收费公开信息" in visible_text(response)
    assert not FeeDisclosure.objects.exists()
