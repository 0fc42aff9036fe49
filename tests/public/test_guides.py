"""Issue 15 (3): a service guide (办事指南) for each service, readable before signing in, with conditions and
their articles, materials, steps, time limits, fees, legal basis and a phone; linked from the pages that use it."""

import pytest
from django.urls import reverse

from public.guides import GUIDES
from tests import factories
from tests.helpers import client_as, visible_text

pytestmark = pytest.mark.django_db


def test_every_guide_is_public_and_says_what_a_guide_must_say():
    visitor = client_as(None)
    index = visible_text(visitor.get(reverse("public:guides")))
    for guide in GUIDES:
        assert guide.title in index
        text = visible_text(visitor.get(reverse("public:guide", args=[guide.slug])))
        for heading in ("办理条件", "申请材料", "办理流程", "办理时限", "收费标准", "设定依据", "咨询电话"):
            assert heading in text, (guide.slug, heading)
        assert "第" in text and "条" in text and "12333" in text


def test_the_apply_guide_names_every_condition_of_article_7():
    text = visible_text(client_as(None).get(reverse("public:guide", args=["apply"])))
    for item in (
        "第七条第一项",
        "第七条第二项",
        "第七条第三项",
        "第七条第四项",
        "第七条第五项",
        "第七条第六项",
        "第七条第七项",
    ):
        assert item in text


def test_an_unknown_guide_is_404():
    assert client_as(None).get(reverse("public:guide", args=["nothing"])).status_code == 404


def test_the_public_home_and_the_institution_home_link_the_guides():
    assert reverse("public:guides") in client_as(None).get("/").content.decode()
    user = factories.InstitutionUserFactory()
    assert reverse("public:guide", args=["apply"]) in client_as(user).get("/").content.decode()
