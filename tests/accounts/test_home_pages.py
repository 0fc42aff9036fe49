"""Each role lands on its own home page, showing what waits for it; visitors see the public landing page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tests import factories
from tests.helpers import assert_constant_queries


def home(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return [t.name for t in response.templates][0], response.content.decode()


def test_a_visitor_sees_the_public_landing_page_with_open_batches_and_the_conditions(client, db):
    factories.BatchFactory(name="2025年度第一批申报")
    template, html = home(client)
    assert template == "portal/home_public.html"
    assert "2025年度第一批申报" in html
    assert "申报条件（第七条）" in html
    assert f'href="{reverse("register")}"' in html
    assert f'href="{reverse("login")}"' in html


def test_an_institution_sees_its_name_its_applications_and_open_batches(client_as, institution_user):
    factories.BatchFactory(name="2025年度第一批申报")
    factories.ApplicationFactory(institution=institution_user.institution, created_by=institution_user)
    template, html = home(client_as(institution_user))
    assert template == "portal/home_institution.html"
    assert f'<h1 class="page-title">{institution_user.institution.name}</h1>' in html
    assert "我的申报" in html
    assert "继续填写" in html  # its draft
    assert "2025年度第一批申报" in html


def test_an_institution_with_an_application_in_progress_is_not_offered_another(client_as, institution_user):
    batch = factories.BatchFactory()
    start = reverse("applications:start", args=[batch.pk])
    assert start in home(client_as(institution_user))[1]
    factories.ApplicationFactory(institution=institution_user.institution, created_by=institution_user)
    assert start not in home(client_as(institution_user))[1]


def test_a_barred_institution_sees_until_when_on_its_home_page(client_as, institution_user):
    factories.BarFactory(institution=institution_user.institution, last_day=None)
    _, html = home(client_as(institution_user))
    assert "永久不再受理" in html


def test_a_recommender_sees_its_unit_and_the_applications_waiting_for_it(client_as, recommender_user):
    app = factories.ApplicationFactory(state="submitted", submitted_at=timezone.now(), last_submitted_at=timezone.now())
    template, html = home(client_as(recommender_user))
    assert template == "portal/home_recommender.html"
    assert '<h1 class="page-title">福州市人力资源和社会保障局</h1>' in html
    assert app.institution.name in html
    assert '<div class="stat-number">1</div>' in html


def test_a_recommender_of_another_unit_sees_nothing_waiting(client_as, db):
    factories.ApplicationFactory(state="submitted", submitted_at=timezone.now())
    other = factories.RecommenderUserFactory(region=factories.region("350200"))
    _, html = home(client_as(other))
    assert '<h1 class="page-title">厦门市人力资源和社会保障局</h1>' in html
    assert '<div class="stat-number">0</div>' in html


def test_the_province_sees_its_workbench(client_as, province_user):
    factories.ApplicationFactory(state="recommended", submitted_at=timezone.now())
    template, html = home(client_as(province_user))
    assert template == "portal/home_province.html"
    assert "省人社厅工作台" in html
    assert "已推荐待受理" in html


def test_an_inspector_sees_its_unit_and_its_commission(client_as, inspector_user):
    template, html = home(client_as(inspector_user))
    assert template == "portal/home_inspector.html"
    assert f'<h1 class="page-title">{inspector_user.inspector_unit.name}</h1>' in html
    assert "受省人社厅委托开展基地实地考察" in html


def test_an_administrator_is_pointed_to_the_django_admin(client_as, db):
    admin = User.objects.create_superuser("root", "root@example.cn", "Adm1n-Passw0rd")
    template, html = home(client_as(admin))
    assert template == "portal/home_admin.html"
    assert "系统管理" in html
    assert f'href="{reverse("admin:index")}"' in html


@pytest.mark.parametrize(
    "role_fixture, nav",
    [
        ("institution_user", ["我的申报", "我的基地"]),
        ("recommender_user", ["待推荐申报", "推荐的基地"]),
        ("province_user", ["申报批次", "申报审核", "基地名册", "账户管理"]),
    ],
)
def test_the_navigation_offers_each_role_its_own_pages(client_as, request, role_fixture, nav):
    user = request.getfixturevalue(role_fixture)
    _, html = home(client_as(user))
    for label in nav:
        assert f">{label}</a>" in html
    assert "账户管理" not in html or role_fixture == "province_user"


def _submitted(n, **kwargs):
    now = timezone.now()
    for _ in range(n):
        factories.ApplicationFactory(submitted_at=now, last_submitted_at=now, **kwargs)


@pytest.mark.parametrize(
    "role_fixture, state",
    [("recommender_user", "submitted"), ("province_user", "recommended"), ("institution_user", None)],
)
def test_the_home_page_runs_the_same_queries_for_5_and_50_applications(client_as, request, role_fixture, state):
    user = request.getfixturevalue(role_fixture)
    client = client_as(user)
    if state is None:  # an institution's own applications, over the years

        def add(n):
            for _ in range(n):
                factories.ApplicationFactory(institution=user.institution, created_by=user, state="withdrawn")
    else:

        def add(n):
            _submitted(n, state=state, is_city_base=True)

    add(5)
    # warm: the session, and the province's obligations brief (counted once, then cached)
    assert_constant_queries(lambda: home(client), lambda: add(45), warm=True)
