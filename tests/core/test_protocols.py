"""The named protocols of the kernel (docs/decisions.md "Refusals and events are named protocols",
"One engine, one question"): a domain refusal reaches the page through `show_refusal`; a domain event
writes its timeline row and tells its audience from the app's table; capabilities and `allowed` give
views and templates the roles the services enforce."""

from datetime import date

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import Http404, HttpResponse
from django.template import Context, Template
from django.test import RequestFactory

from accounts.models import Role
from bases.models import Base
from core import access, events
from core.errors import Conflict, RuleViolation
from core.events import Event, Record, Tell
from core.forms import show_refusal
from core.models import Notification, TimelineEvent
from tests import factories

pytestmark = pytest.mark.django_db


def request_for(user=None):
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    request.user = user
    return request


class CommentForm(forms.Form):
    comment = forms.CharField(required=False)


# -- show_refusal --------------------------------------------------------------------------------------


def test_a_refusal_about_a_field_is_shown_under_that_field():
    request, form = request_for(), CommentForm({"comment": ""})
    form.is_valid()
    show_refusal(request, RuleViolation("退回时请填写意见。", field="comment"), form)
    assert form.errors["comment"] == ["退回时请填写意见。"]
    assert not list(get_messages(request))


def test_a_refusal_about_the_record_goes_to_the_top_of_the_form_with_its_article():
    request, form = request_for(), CommentForm({"comment": "x"})
    form.is_valid()
    show_refusal(request, RuleViolation("公示期未满。", article="第八条第四项", field="nothing_here"), form)
    assert form.non_field_errors() == ["公示期未满。（第八条第四项）"]
    assert not list(get_messages(request))


def test_a_conflict_or_a_refusal_without_a_form_goes_among_the_page_messages():
    request, form = request_for(), CommentForm({"comment": "x"})
    form.is_valid()
    show_refusal(request, Conflict("该记录已由他人处理。"), form)
    show_refusal(request, RuleViolation("该批次没有待公布的新认定基地。"))
    assert [m.message for m in get_messages(request)] == ["该记录已由他人处理。", "该批次没有待公布的新认定基地。"]
    assert not form.non_field_errors()


# -- events ---------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _events_of_the_test_are_forgotten():
    before = dict(events._events)
    yield
    events._events.clear()
    events._events.update(before)


def test_an_event_writes_its_timeline_row_and_tells_its_audience_from_the_table():
    base = factories.BaseFactory()
    staff = factories.InstitutionUserFactory(institution=base.institution)
    actor = factories.UserFactory(role=Role.PROVINCE)
    events.table(
        {
            "test.deadline_set": Event(
                record=Record("base", "设定期限", article="第二十三条", comment="期限{deadline:%Y年%-m月%-d日}"),
                tell=[
                    Tell(
                        lambda f: [staff],
                        "期限通知：{base.name}",
                        lambda f: f"请于{f['deadline']:%-m月%-d日}前完成。",
                        link=lambda f: f"/bases/{f['base'].pk}/",
                    ),
                    Tell(lambda f: [actor], "不应发送", when=lambda f: False),
                ],
            )
        }
    )
    events.happened("test.deadline_set", actor=actor, base=base, deadline=date(2031, 6, 30))

    row = TimelineEvent.objects.get(action="test.deadline_set")
    assert (row.label, row.comment, row.article, row.actor) == ("设定期限", "期限2031年6月30日", "第二十三条", actor)
    note = Notification.objects.get(recipient=staff)
    assert (note.title, note.body, note.url) == (f"期限通知：{base.name}", "请于6月30日前完成。", f"/bases/{base.pk}/")
    assert not Notification.objects.filter(recipient=actor).exists()


def test_a_digest_event_with_a_dedupe_key_tells_each_person_once():
    province = factories.UserFactory(role=Role.PROVINCE)
    events.table({"test.digest": Event(tell=[Tell(lambda f: [province], "今日提醒", dedupe="digest:{today}")])})
    for _ in range(3):
        events.happened("test.digest", actor=None, today=date(2031, 1, 2))
    assert Notification.objects.filter(recipient=province, title="今日提醒").count() == 1


def test_an_unknown_event_or_one_declared_twice_is_an_error():
    with pytest.raises(LookupError):
        events.happened("test.never_declared", actor=None)
    events.table({"test.once": Event()})
    with pytest.raises(ValueError):
        events.table({"test.once": Event()})


def test_every_app_declares_its_events_in_its_own_table():
    declared = events.declared()
    assert {"application.submitted", "recognise", "file_change", "order", "revocation_decided"} <= set(declared)


# -- capabilities and allowed ---------------------------------------------------------------------------


def test_a_capability_is_held_by_its_roles_only(province_user, institution_user):
    assert access.may(province_user, "plan_inspections")
    assert not access.may(institution_user, "plan_inspections")
    with pytest.raises(RuleViolation):
        access.require_capability(institution_user, "plan_inspections")
    with pytest.raises(LookupError):
        access.may(province_user, "no_such_capability")
    rendered = Template('{% load access %}{% if user|may:"plan_inspections" %}yes{% endif %}')
    assert rendered.render(Context({"user": province_user})) == "yes"
    assert rendered.render(Context({"user": institution_user})) == ""


def test_allowed_answers_404_to_a_role_that_never_takes_the_action_and_hands_over_the_record_in_scope(
    province_user, institution_user, recommender_user
):
    own = factories.BaseFactory(institution=institution_user.institution)
    other = factories.BaseFactory()

    @access.allowed(Base, "file_change", load="pk")
    def view(request, base):
        return HttpResponse(base.name)

    assert view(request_for(institution_user), pk=own.pk).content.decode() == own.name
    with pytest.raises(Http404):  # another institution's base: out of scope
        view(request_for(institution_user), pk=other.pk)
    with pytest.raises(Http404):  # the province sees the base but never files its changes
        view(request_for(province_user), pk=own.pk)
    assert access.roles_for(Base, "file_change") == {Role.INSTITUTION}
    assert access.may_ever(institution_user, Base, "file_change")
    assert not access.may_ever(recommender_user, Base, "file_change")


def test_allowed_with_the_action_in_the_url_refuses_an_action_the_model_does_not_have(province_user):
    from supervision.models import RectificationOrder

    @access.allowed(RectificationOrder, action_from="action")
    def view(request, pk, action):
        return HttpResponse(action)

    assert view(request_for(province_user), pk=1, action="pass").content == b"pass"
    with pytest.raises(Http404):
        view(request_for(province_user), pk=1, action="report")  # the institution's, not the province's
    with pytest.raises(Http404):
        view(request_for(province_user), pk=1, action="no_such_action")
