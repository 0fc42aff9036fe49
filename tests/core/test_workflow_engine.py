"""The engine and the one permission question (docs/decisions.md "One engine, one question"): a
transition names a set of roles and its guards; the guards decide both what a page offers and what
`perform` lets through; `can()` adds the row scope, and templates ask it through one filter."""

from types import SimpleNamespace

import pytest
from django.template import Context, Template

from accounts.models import Role
from applications.models import Application, State
from applications.workflow import WORKFLOW
from core import access, workflow
from core.errors import RuleViolation
from core.workflow import SYSTEM, Transition
from tests import factories

pytestmark = pytest.mark.django_db


def person(role):
    return SimpleNamespace(role=role, is_authenticated=True, is_active=True)


def test_a_transition_names_a_set_of_roles_and_a_system_actor_only_when_it_says_so():
    t = Transition("record", {"scheduled"}, "recorded", {Role.INSPECTOR, Role.PROVINCE}, "第二十条", "提交考核结果")
    assert t.allows_role(person(Role.INSPECTOR)) and t.allows_role(person(Role.PROVINCE))
    assert not t.allows_role(person(Role.INSTITUTION))
    assert not t.allows_role(None)
    job = Transition("mark", {"a"}, "b", SYSTEM, "第十九条", "逾期")
    assert job.allows_role(None) and not job.allows_role(person(Role.PROVINCE))


def test_a_guard_refuses_with_its_message_and_the_transitions_article():
    closed = Transition(
        "submit", {"draft"}, "submitted", Role.INSTITUTION, "第八条", "提交", guards=[lambda obj, actor: "批次已截止"]
    )
    refused = closed.refusal(object(), person(Role.INSTITUTION), state="draft")
    assert isinstance(refused, RuleViolation)
    assert (refused.message, refused.article) == ("批次已截止", "第八条")
    assert closed.refusal(object(), person(Role.INSTITUTION), state="submitted").message == "当前状态下不能提交。"


def test_every_state_machine_is_registered_with_its_model():
    machines = {(w.model._meta.label, w.state_field) for w in workflow.registered()}
    assert {
        ("applications.Application", "state"),
        ("bases.AnnualFiling", "state"),
        ("inspections.Inspection", "state"),
        ("inspections.RectificationOrder", "state"),
    } <= machines
    assert WORKFLOW in workflow.registered()


def test_can_combines_scope_role_and_state(institution_user, recommender_user):
    mine = factories.ApplicationFactory(institution=institution_user.institution)
    other = factories.ApplicationFactory()
    assert access.can(institution_user, "withdraw", mine)
    assert not access.can(institution_user, "withdraw", other)  # out of scope
    assert not access.can(institution_user, "recommend", mine)  # not the institution's to take
    Application.objects.filter(pk=mine.pk).update(state=State.APPROVED)
    mine.refresh_from_db()
    assert not access.can(institution_user, "withdraw", mine)  # not from this state
    with pytest.raises(RuleViolation):
        access.require(institution_user, "withdraw", mine)


def test_available_lists_only_what_the_user_may_take_now(institution_user):
    app = factories.ApplicationFactory(institution=institution_user.institution)
    assert [t.action for t in WORKFLOW.available(app, institution_user)] == ["submit", "withdraw"]


def test_the_template_filter_asks_can_for_the_user_the_object_was_fetched_for(institution_user):
    app = factories.ApplicationFactory(institution=institution_user.institution)
    page = Template(
        '{% load access %}{% if app|can:"withdraw" %}撤回{% endif %}{% if app|can:"recommend" %}推荐{% endif %}'
    )
    fetched = access.get_visible_or_404(institution_user, Application, pk=app.pk)
    assert page.render(Context({"app": fetched})) == "撤回"
    # An object not fetched through the access layer offers nothing: the page cannot say for whom.
    assert page.render(Context({"app": Application.objects.get(pk=app.pk)})) == ""


def test_an_action_without_a_transition_is_declared_once_and_asked_the_same_way(institution_user, recommender_user):
    app = factories.ApplicationFactory(
        institution=institution_user.institution, recommender_region=recommender_user.region
    )
    assert access.can(institution_user, "edit", app)
    Application.objects.filter(pk=app.pk).update(state=State.SUBMITTED, submitted_at="2026-12-01T08:00+08:00")
    app.refresh_from_db()
    assert access.refusal(institution_user, "edit", app).message == "申报当前状态为「待推荐」，不能修改。"
    assert access.refusal(recommender_user, "edit", app).message == "只有申报机构可以修改申报内容。"
