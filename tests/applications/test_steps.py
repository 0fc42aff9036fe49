"""Issue 15 (3): the application page shows where the case stands in 申报 → 推荐 → 受理 → 考察 → 公示 → 认定 →
公布, with the day each step was reached, or where it ended early."""

import pytest
from django.utils import timezone

from accounts.models import Role
from applications import selectors, services
from applications.models import State
from tests import factories
from tests.helpers import client_as, visible_text

pytestmark = pytest.mark.django_db


def words(steps):
    return [(s.label, s.words) for s in steps]


def test_a_submitted_application_is_at_recommendation():
    app = factories.ApplicationFactory(complete=True)
    user = app.created_by
    services.submit(actor=user, application_id=app.pk)
    app.refresh_from_db()
    steps = selectors.application_steps(app)
    assert words(steps)[:3] == [("申报", "已完成"), ("推荐", "当前"), ("受理", "未开始")]
    assert steps[0].on == timezone.localdate()


def test_a_withdrawn_application_ends_at_the_step_it_was_in():
    app = factories.ApplicationFactory(complete=True)
    services.submit(actor=app.created_by, application_id=app.pk)
    services.transition(actor=app.created_by, application_id=app.pk, action="withdraw")
    app.refresh_from_db()
    assert words(selectors.application_steps(app)) == [("申报", "已完成"), ("已撤回", "已终止")]


def test_the_step_bar_is_on_the_application_page_in_words():
    app = factories.ApplicationFactory(complete=True)
    services.submit(actor=app.created_by, application_id=app.pk)
    text = visible_text(client_as(app.created_by).get(f"/applications/{app.pk}/"))
    assert "1. 申报 已完成" in text and "2. 推荐 当前" in text and "7. 公布 未开始" in text


def test_a_draft_shows_the_batchs_closing_day_on_its_first_step():
    app = factories.ApplicationFactory()
    steps = selectors.application_steps(app)
    assert steps[0].is_current and f"{app.batch.closes_on:%Y年%-m月%-d日}" in steps[0].note
    assert app.state == State.DRAFT and factories.UserFactory(role=Role.PROVINCE)
