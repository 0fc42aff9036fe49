"""API tokens (the versioned JSON API, step 1): a base's institution creates, names, sees and revokes the
tokens of its own live bases, the province its read tokens; only the SHA-256 of a secret is stored and the
secret is shown once."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.forms.models import model_to_dict
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from api import services
from api.models import ApiToken, Scope
from core.errors import RuleViolation
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(base, keeper):
    return services.create_token(actor=keeper, base_id=base.pk, name="学时对接系统")


# -- creating: the secret once, only its hash stored --------------------------------------------------------


def test_a_created_token_stores_only_the_hash_of_its_secret(issued):
    token, secret = issued
    assert secret.startswith("jxjy_") and len(secret) > 40
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in repr(row)
    assert secret[5:] not in repr(row)
    assert row["key_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert row["prefix"] == secret[5:13]
    assert row["scope"] == Scope.BASE and row["last_used_at"] is None and row["revoked_at"] is None


def test_the_creation_page_shows_the_secret_once_and_the_list_never(client_as, base, keeper):
    client = client_as(keeper)
    response = client.post(reverse("api:token_new"), {"base": base.pk, "name": "学时对接系统"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "请立即复制保存，离开本页后将无法再次查看" in html
    assert "no-store" in response.headers["Cache-Control"]
    token = ApiToken.objects.get()
    secret = html.split('id="api-token-secret" type="text" value="')[1].split('"')[0]
    assert services.authenticate(secret) == token
    listing = client.get(reverse("api:tokens")).content.decode()
    assert "学时对接系统" in listing and token.prefix in listing
    assert secret not in listing
    assert secret not in repr(model_to_dict(token))


def test_a_token_needs_a_name_of_at_most_50_characters(base, keeper):
    with pytest.raises(RuleViolation, match="请填写令牌名称"):
        services.create_token(actor=keeper, base_id=base.pk, name="  ")
    with pytest.raises(RuleViolation, match="不能超过50个字"):
        services.create_token(actor=keeper, base_id=base.pk, name="名" * 51)
    assert not ApiToken.objects.exists()


def test_the_province_creates_its_read_token_without_a_base(province_user):
    token, secret = services.create_token(actor=province_user, province=True, name="省级数据中心")
    assert token.scope == Scope.PROVINCE_READ and token.base is None
    assert services.authenticate(secret) == token


def test_an_institution_cannot_create_a_province_read_token(keeper):
    with pytest.raises(RuleViolation, match="只有省级主管部门"):
        services.create_token(actor=keeper, province=True, name="越权")


@pytest.mark.parametrize("status", ["revoked", "cancelled"])
def test_a_base_that_is_no_longer_live_cannot_create_tokens(base, keeper, status):
    base.status = status
    base.save()
    with pytest.raises(RuleViolation, match="基地资格已撤销或取消，不能再创建接口令牌"):
        services.create_token(actor=keeper, base_id=base.pk, name="学时对接系统")
    assert not ApiToken.objects.exists()


def test_the_form_of_an_institution_without_a_live_base_says_so(client_as, base, keeper):
    base.status = "revoked"
    base.save()
    response = client_as(keeper).post(reverse("api:token_new"), {"base": base.pk, "name": "学时对接系统"})
    assert "本单位没有资格有效的基地，不能创建接口令牌" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_another_institution_cannot_create_a_token_for_the_base(base):
    stranger = factories.InstitutionUserFactory()
    with pytest.raises(Http404):
        services.create_token(actor=stranger, base_id=base.pk, name="越权")


# -- authenticating -------------------------------------------------------------------------------------


def test_the_secret_authenticates_and_a_wrong_one_does_not(issued):
    token, secret = issued
    assert services.authenticate(secret) == token
    assert services.authenticate(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert services.authenticate("jxjy_" + "x" * 43) is None
    assert services.authenticate(secret[5:]) is None
    assert services.authenticate("") is None
    assert services.authenticate(None) is None


def test_a_revoked_token_no_longer_authenticates(issued, keeper):
    token, secret = issued
    services.revoke_token(actor=keeper, token_id=token.pk)
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == keeper
    assert services.authenticate(secret) is None


def test_last_use_is_recorded_at_most_once_a_minute(issued, django_assert_num_queries):
    token, secret = issued
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        services.authenticate(secret)
        token.refresh_from_db()
        assert token.last_used_at == start
        with django_assert_num_queries(1):  # the look-up only, no write
            services.authenticate(secret)
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        services.authenticate(secret)
        token.refresh_from_db()
        assert token.last_used_at == start
    with time_machine.travel(start + timedelta(minutes=1, seconds=1), tick=False):
        services.authenticate(secret)
        token.refresh_from_db()
        assert token.last_used_at == start + timedelta(minutes=1, seconds=1)


def test_the_list_shows_when_a_token_was_last_used(client_as, issued, keeper):
    token, secret = issued
    html = client_as(keeper).get(reverse("api:tokens")).content.decode()
    assert "从未使用" in html
    services.authenticate(secret)
    html = client_as(keeper).get(reverse("api:tokens")).content.decode()
    assert "从未使用" not in html


# -- revoking -------------------------------------------------------------------------------------------


def test_revoking_another_bases_token_answers_404_and_changes_nothing(client_as, issued):
    token, secret = issued
    stranger = factories.InstitutionUserFactory()
    with pytest.raises(Http404):
        services.revoke_token(actor=stranger, token_id=token.pk)
    assert client_as(stranger).post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert services.authenticate(secret) == token


def test_the_province_does_not_reach_a_bases_token_nor_the_base_the_provinces(client_as, issued, keeper, province_user):
    token, _ = issued
    provincial, _ = services.create_token(actor=province_user, province=True, name="省级数据中心")
    assert client_as(province_user).post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    assert client_as(keeper).post(reverse("api:token_revoke", args=[provincial.pk])).status_code == 404
    assert "学时对接系统" not in client_as(province_user).get(reverse("api:tokens")).content.decode()


def test_revoking_asks_for_confirmation_then_revokes_on_the_post(client_as, issued, keeper):
    token, secret = issued
    client = client_as(keeper)
    url = reverse("api:token_revoke", args=[token.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "确认吊销" in confirm.content.decode()
    assert services.authenticate(secret) == token
    response = client.post(url, follow=True)
    assert "已吊销令牌「学时对接系统」" in response.content.decode()
    assert "已吊销" in response.content.decode()
    assert services.authenticate(secret) is None


def test_a_revoked_token_cannot_be_revoked_again(issued, keeper):
    token, _ = issued
    services.revoke_token(actor=keeper, token_id=token.pk)
    with pytest.raises(RuleViolation, match="该令牌已吊销"):
        services.revoke_token(actor=keeper, token_id=token.pk)


# -- who reaches the pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.RECOMMENDER, Role.EXPERT, Role.INSPECTOR])
def test_recommenders_experts_and_inspectors_cannot_reach_the_pages(client_as, issued, role):
    token, _ = issued
    factory = {
        Role.RECOMMENDER: factories.RecommenderUserFactory,
        Role.EXPERT: factories.ExpertUserFactory,
        Role.INSPECTOR: factories.InspectorUserFactory,
    }[role]
    client = client_as(factory())
    for url in (reverse("api:tokens"), reverse("api:token_new"), reverse("api:token_revoke", args=[token.pk])):
        assert client.get(url).status_code == 404
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_institution_and_the_province_find_the_link_in_the_navigation(client_as, keeper, province_user):
    link = f'href="{reverse("api:tokens")}"'
    assert link in client_as(keeper).get(reverse("home")).content.decode()
    assert link in client_as(province_user).get(reverse("home")).content.decode()


# -- the list asks a fixed number of queries ------------------------------------------------------------


def _list_queries(client, count):
    with CaptureQueriesContext(connection) as sql:
        response = client.get(reverse("api:tokens"))
    assert response.status_code == 200
    assert response.content.decode().count("<code>") == count
    return len(sql.captured_queries)


def test_the_list_asks_the_same_number_of_queries_for_1_and_5_tokens(
    client_as, base, keeper, django_assert_num_queries
):
    client = client_as(keeper)
    factories.ApiTokenFactory(base=base, created_by=keeper)
    client.get(reverse("api:tokens"))  # warm the session and content types
    with_one = _list_queries(client, 1)
    factories.ApiTokenFactory.create_batch(4, base=base, created_by=keeper)
    with django_assert_num_queries(with_one):
        response = client.get(reverse("api:tokens"))
    assert response.content.decode().count("<code>") == 5
