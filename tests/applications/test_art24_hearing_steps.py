"""Issue 15 (2), SPEC 2.10, Art. 24: a hearing's page shows where it stands in 告知 → 陈述申辩 → 作出决定, with
the day each step was reached, the statement deadline in working days on the defence, and 不再作出决定 where
the province dropped the intended decision."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from applications import hearings, selectors
from applications.models import Hearing
from supervision import services as supervision
from supervision.models import RevocationGround
from tests import factories
from tests.helpers import client_as, count_queries, visible_text

pytestmark = pytest.mark.django_db

# Notified on Monday 30 November 2026: the five working days run Tuesday to Friday and Monday 7 December.
DEADLINE = "截止2026年12月7日（含当日，按工作日计算）"


def on(year, month, day):
    return time_machine.travel(datetime(year, month, day, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)


@pytest.fixture
def province():
    return factories.UserFactory(role=Role.PROVINCE)


def a_base():
    return factories.BaseFactory(recognised_on=date(2025, 1, 1))  # before the days these tests decide on


def propose(province, base):
    """The province notifies the base's institution that it intends to revoke the base."""
    return supervision.propose_revocation(
        actor=province,
        base_id=base.pk,
        ground=RevocationGround.PUBLIC_OPINION,
        reason="授课内容出现政治性问题，引发重大舆情。",
        effective_on=timezone.localdate(),
    )


def bar(hearing):
    hearing = Hearing.objects.select_related("decision").get(pk=hearing.pk)
    return [(s.label, s.status, s.on, s.note) for s in selectors.hearing_steps(hearing)]


def test_a_hearing_walks_from_the_notice_through_the_defence_to_the_decision(province):
    base = a_base()
    party = factories.InstitutionUserFactory(institution=base.institution)
    with on(2026, 11, 30):
        hearing = propose(province, base)
        assert bar(hearing) == [
            ("告知", "done", date(2026, 11, 30), ""),
            ("陈述申辩", "current", None, DEADLINE),
            ("作出决定", "todo", None, ""),
        ]
    with on(2026, 12, 2):
        hearings.answer(actor=party, hearing_id=hearing.pk, statement="舆情系误读，已澄清。")
        assert bar(hearing)[1:] == [
            ("陈述申辩", "done", date(2026, 12, 2), DEADLINE),
            ("作出决定", "current", None, ""),
        ]
    with on(2026, 12, 3):
        revocation = supervision.revoke(
            actor=province,
            base_id=base.pk,
            ground=RevocationGround.PUBLIC_OPINION,
            reason="授课内容出现政治性问题，引发重大舆情。",
            effective_on=timezone.localdate(),
            response="澄清不足以消除影响，不予采纳。",
        )
        assert bar(hearing)[2] == ("作出决定", "done", date(2026, 12, 3), revocation.decision.number)


def test_a_waiver_and_a_lapsed_deadline_both_close_the_defence(province):
    waiving, silent = a_base(), a_base()
    with on(2026, 11, 30):
        waived, lapsed = propose(province, waiving), propose(province, silent)
    with on(2026, 12, 1):
        hearings.waive(actor=factories.InstitutionUserFactory(institution=waiving.institution), hearing_id=waived.pk)
        assert bar(waived)[1:] == [
            ("陈述申辩", "done", date(2026, 12, 1), f"{DEADLINE}；已放弃陈述申辩"),
            ("作出决定", "current", None, ""),
        ]
    with on(2026, 12, 7):  # the last day of the period: still open
        assert bar(lapsed)[1][:2] == ("陈述申辩", "current")
    with on(2026, 12, 8):
        assert bar(lapsed)[1:] == [
            ("陈述申辩", "done", date(2026, 12, 7), f"{DEADLINE}；逾期未提出，视为放弃"),
            ("作出决定", "current", None, ""),
        ]


def test_a_dropped_hearing_ends_at_the_step_it_was_in(province):
    base = a_base()
    with on(2026, 11, 30):
        hearing = propose(province, base)
    with on(2026, 12, 1):
        hearings.drop(actor=province, hearing_id=hearing.pk, reason="经核实，舆情已消除。")
    expected = [("告知", "done", date(2026, 11, 30), ""), ("不再作出决定", "ended", date(2026, 12, 1), "")]
    with on(2026, 12, 10):  # dropped before the deadline: its passing later changes nothing
        assert bar(hearing) == expected
        hearing = Hearing.objects.select_related("decision").get(pk=hearing.pk)
        queries, _ = count_queries(lambda: selectors.hearing_steps(hearing))
    assert queries == 1


def test_the_hearing_page_shows_the_party_its_deadline_on_the_step_under_way(province):
    base = a_base()
    party = factories.InstitutionUserFactory(institution=base.institution)
    with on(2026, 11, 30):
        hearing = propose(province, base)
        page = client_as(party).get(reverse("applications:hearing", args=[hearing.pk]))
    html = page.content.decode()
    assert 'aria-label="告知与陈述申辩办理进度"' in html
    current = html.split('aria-current="step"')[1].split("</li>")[0]
    assert "陈述申辩" in current and DEADLINE in current
    assert "1. 告知 已完成 · 2026年11月30日" in visible_text(page) and "3. 作出决定 未开始" in visible_text(page)
