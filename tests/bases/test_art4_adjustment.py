"""Art. 4: the province adjusts a base (its fields, institution type, name or building unit) or merges it into
another, by a numbered decision that is announced and takes effect on its effective date; the register's
history shows before → after, and a merged base's entry points to the surviving base."""

import json
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import InstitutionType
from bases import services
from bases.models import Adjustment, Announcement, AnnouncementKind, Base, BaseStatus
from core.errors import RuleViolation
from core.models import Decision, DecisionKind, Notification, TimelineEvent
from tests import factories
from tests.helpers import assert_constant_queries, visible_text

from .conftest import at as moment

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


def at(*when):
    """`with at(2026, 3, 10):` runs on that Fujian wall-clock moment (10:00 unless told)."""
    return time_machine.travel(moment(*when), tick=False)


LATER = date(2026, 4, 1)


def published_base(**fields):
    return factories.BaseFactory(published_at=timezone.now(), recognised_on=date(2025, 7, 1), **fields)


@pytest.fixture
def categories():
    return {name: factories.field(name) for name in ["工程技术", "卫生健康", "经济", "教育"]}


@pytest.fixture
def base(categories):
    base = published_base(name="福州鼓山职业培训学院", fields="工程技术")
    base.training_fields.set([categories["工程技术"]])
    factories.InstitutionUserFactory(institution=base.institution)
    return base


def adjust(actor, base, **terms):
    terms.setdefault("reason", "建设单位整合，培训方向调整。")
    terms.setdefault("effective_on", timezone.localdate())
    return services.adjust_base(actor=actor, base_id=base.pk, **terms)


def test_art4_an_adjustment_effective_today_changes_the_base_is_numbered_announced_and_kept_before_after(
    base, categories, province_user
):
    new_unit = factories.InstitutionFactory(name="福建鼓山教育集团")
    with at(2026, 3, 10):
        adjustment = adjust(
            province_user,
            base,
            training_fields=[categories["工程技术"], categories["卫生健康"]],
            institution_type=InstitutionType.UNIVERSITY,
            name="福州鼓山学院继续教育基地",
            institution_id=new_unit.pk,
        )

    base.refresh_from_db()
    assert base.name == "福州鼓山学院继续教育基地"
    assert base.institution_type_id == InstitutionType.UNIVERSITY
    assert base.institution_id == new_unit.pk
    assert base.fields == "工程技术、卫生健康"
    assert set(base.training_fields.values_list("name", flat=True)) == {"工程技术", "卫生健康"}
    assert not adjustment.is_pending and adjustment.effective_on == TODAY
    rows = {c["label"]: (c["before"], c["after"]) for c in adjustment.changes}
    assert rows["基地名称"] == ("福州鼓山职业培训学院", "福州鼓山学院继续教育基地")
    assert rows["培训领域"] == ("工程技术", "工程技术、卫生健康")
    assert rows["机构类型"][1] == "高等院校"
    assert rows["建设单位"][1].startswith("福建鼓山教育集团")
    decision = adjustment.decision
    assert decision.kind == DecisionKind.ADJUSTMENT and decision.number.endswith("〔2026〕1号")
    assert decision.effective_on == TODAY and not decision.adverse and decision.pdf_sha256
    announcement = Announcement.objects.get(kind=AnnouncementKind.ADJUSTMENT)
    assert announcement.number == decision.number
    assert "基地名称：由“福州鼓山职业培训学院”调整为“福州鼓山学院继续教育基地”" in announcement.body
    assert list(announcement.bases.all()) == [base]
    event = TimelineEvent.objects.get(action="adjustment_decided")
    assert "基地名称：福州鼓山职业培训学院 → 福州鼓山学院继续教育基地" in event.comment
    assert Notification.objects.filter(title__startswith="基地调整决定").exists()


def test_art4_the_public_page_and_the_provinces_base_page_show_the_adjustment_before_and_after(
    base, province_user, client, client_as
):
    with at(2026, 3, 10):
        adjust(province_user, base, name="福州鼓山学院继续教育基地")
        public = visible_text(client.get(reverse("public:base", args=[base.pk])))
        inside = visible_text(client_as(province_user).get(reverse("bases:detail", args=[base.pk])))

    for text in (public, inside):
        assert "调整记录（第四条）" in text
        assert "基地名称：福州鼓山职业培训学院 → 福州鼓山学院继续教育基地" in text


def test_art4_an_adjustment_dated_later_waits_for_the_daily_job_and_blocks_another_meanwhile(
    base, categories, province_user
):
    with at(2026, 3, 10):
        adjustment = adjust(province_user, base, training_fields=[categories["经济"]], effective_on=LATER)
        base.refresh_from_db()
        assert adjustment.is_pending and base.fields == "工程技术"
        with pytest.raises(RuleViolation, match="生效后方可再作调整"):
            adjust(province_user, base, name="另一个名称")
    with at(2026, 3, 31, 23, 59):
        assert services.adjustments_take_effect(today=timezone.localdate()) == 0
    with at(2026, 4, 1, 0, 5):
        assert services.adjustments_take_effect(today=timezone.localdate()) == 1
        assert services.adjustments_take_effect(today=timezone.localdate()) == 0  # running again changes nothing

    base.refresh_from_db()
    adjustment.refresh_from_db()
    assert base.fields == "经济" and not adjustment.is_pending
    assert TimelineEvent.objects.filter(action="adjustment_took_effect", comment__contains="工程技术 → 经济").exists()
    assert Notification.objects.filter(title__startswith="基地调整已生效").exists()


def test_art4_an_adjustment_that_changes_nothing_is_refused_and_nothing_is_saved(base, categories, province_user):
    with at(2026, 3, 10), pytest.raises(RuleViolation, match="调整内容与基地现状相同"):
        adjust(
            province_user,
            base,
            training_fields=[categories["工程技术"]],
            institution_type=base.institution_type_id,
            name=base.name,
            institution_id=base.institution_id,
        )
    assert not Adjustment.objects.exists() and not Decision.objects.exists() and not Announcement.objects.exists()


def test_art4_an_adjustment_is_refused_at_its_field_for_a_past_date_an_empty_reason_or_a_unit_with_a_base(
    base, province_user
):
    other = published_base(name="厦门另一基地")
    with at(2026, 3, 10):
        with pytest.raises(RuleViolation) as past:
            adjust(province_user, base, name="新名称", effective_on=date(2026, 3, 9))
        with pytest.raises(RuleViolation) as no_reason:
            adjust(province_user, base, name="新名称", reason="  ")
        with pytest.raises(RuleViolation) as taken:
            adjust(province_user, base, institution_id=other.institution_id)
    assert past.value.field == "effective_on" and "生效日期不能早于决定日期" in str(past.value)
    assert no_reason.value.field == "reason"
    assert taken.value.field == "institution" and "请办理基地合并" in str(taken.value)
    assert not Adjustment.objects.exists() and not Decision.objects.exists()


def test_art4_a_merger_makes_the_base_merged_and_its_register_entry_points_to_the_surviving_base(
    base, province_user, client
):
    survivor = published_base(name="福建省继续教育学院")
    with at(2026, 3, 10):
        adjustment = services.merge_base(
            actor=province_user, base_id=base.pk, into_id=survivor.pk, reason="两基地整合。", effective_on=TODAY
        )
        page = visible_text(client.get(reverse("public:base", args=[base.pk])))

    base.refresh_from_db()
    assert base.status == BaseStatus.MERGED and base.merged_into == survivor and not base.is_live
    assert base.status_changed_on == TODAY
    assert adjustment.is_merger and adjustment.decision.kind == DecisionKind.ADJUSTMENT
    transition = TimelineEvent.objects.get(action="merge")
    assert (transition.from_state, transition.to_state, transition.article) == ("active", "merged", "第四条")
    announcement = Announcement.objects.get(kind=AnnouncementKind.ADJUSTMENT)
    assert set(announcement.bases.all()) == {base, survivor}
    assert f"并入{survivor.name}（{survivor.register_number}）" in announcement.body
    assert f"该基地已于2026年3月10日并入{survivor.name}（{survivor.register_number}）" in page.replace(" ", "")
    assert Notification.objects.filter(title__startswith="基地合并决定").exists()  # the surviving base is told


def test_art4_the_plaque_of_a_merged_base_verifies_as_merged_and_names_the_surviving_base(base, province_user, client):
    survivor = published_base(name="福建省继续教育学院")
    with at(2026, 3, 10):
        services.merge_base(
            actor=province_user, base_id=base.pk, into_id=survivor.pk, reason="两基地整合。", effective_on=TODAY
        )
        text = visible_text(client.get(reverse("public:verify_code", args=[base.verification_code])))

    assert "匾牌真实，但该基地资格已合并" in text
    assert f"并入基地{survivor.name}（{survivor.register_number}，第四条）" in text.replace(" ", "")


def test_art4_a_merger_dated_later_takes_effect_by_the_daily_job(base, province_user):
    survivor = published_base(name="福建省继续教育学院")
    with at(2026, 3, 10):
        services.merge_base(
            actor=province_user, base_id=base.pk, into_id=survivor.pk, reason="两基地整合。", effective_on=LATER
        )
        base.refresh_from_db()
        assert base.status == BaseStatus.ACTIVE and base.merged_into is None
    with at(2026, 4, 1, 0, 5):
        assert services.adjustments_take_effect(today=timezone.localdate()) == 1

    base.refresh_from_db()
    assert base.status == BaseStatus.MERGED and base.merged_into == survivor
    assert Notification.objects.filter(title__startswith="基地合并已生效").exists()


def test_art4_a_merger_whose_surviving_base_ended_meanwhile_is_not_applied_by_the_job(base, province_user):
    survivor = published_base(name="福建省继续教育学院")
    with at(2026, 3, 10):
        services.merge_base(
            actor=province_user, base_id=base.pk, into_id=survivor.pk, reason="两基地整合。", effective_on=LATER
        )
    Base.objects.filter(pk=survivor.pk).update(status=BaseStatus.REVOKED)  # revoked before the day came
    with at(2026, 4, 1, 0, 5):
        assert services.adjustments_take_effect(today=timezone.localdate()) == 0

    base.refresh_from_db()
    assert base.status == BaseStatus.ACTIVE and base.merged_into is None


def test_art4_a_base_is_not_merged_into_itself_nor_into_a_base_no_longer_live(base, province_user):
    revoked = published_base(name="已撤销基地", status=BaseStatus.REVOKED)
    with at(2026, 3, 10):
        with pytest.raises(RuleViolation) as itself:
            services.merge_base(actor=province_user, base_id=base.pk, into_id=base.pk, reason="x", effective_on=TODAY)
        with pytest.raises(RuleViolation) as ended:
            services.merge_base(
                actor=province_user, base_id=base.pk, into_id=revoked.pk, reason="x", effective_on=TODAY
            )
    assert itself.value.field == "merged_into" and "不能将基地并入其自身" in str(itself.value)
    assert ended.value.field == "merged_into" and "只能并入在册" in str(ended.value)
    base.refresh_from_db()
    assert base.status == BaseStatus.ACTIVE and not Adjustment.objects.exists() and not Decision.objects.exists()


def test_art4_the_open_data_names_the_base_a_merged_base_went_into(base, province_user, client):
    survivor = published_base(name="福建省继续教育学院")
    with at(2026, 3, 10):
        services.merge_base(
            actor=province_user, base_id=base.pk, into_id=survivor.pk, reason="两基地整合。", effective_on=TODAY
        )
    rows = {
        r["register_number"]: r
        for r in json.loads(
            b"".join(client.get(reverse("public:open_data_json"), {"status": "all"}).streaming_content)
        )["bases"]
    }
    assert rows[base.register_number]["merged_into"] == survivor.register_number
    assert rows[base.register_number]["status"] == "已合并"
    assert rows[survivor.register_number]["merged_into"] == ""


# -- the pages ------------------------------------------------------------------------------------------


def _adjust_post(base, **fields):
    data = {
        "training_fields": [f.pk for f in base.training_fields.all()],
        "institution_type": base.institution_type_id,
        "name": base.name,
        "institution": base.institution_id,
        "reason": "建设单位更名。",
        "effective_on": "2026-03-10",
    }
    data.update(fields)
    return data


def test_art4_the_adjust_page_previews_the_announcement_then_decides_on_confirmation(base, province_user, client_as):
    province = client_as(province_user)
    url = reverse("bases:adjust", args=[base.pk])
    with at(2026, 3, 10):
        assert "基地名称" in visible_text(province.get(url))
        first = province.post(url, _adjust_post(base, name="福州鼓山学院继续教育基地"))
        assert first.status_code == 200 and not Adjustment.objects.exists()
        shown = visible_text(first)
        assert "请核对下方将向社会公布的公告内容" in shown
        assert "基地名称：由“福州鼓山职业培训学院”调整为“福州鼓山学院继续教育基地”" in shown
        digest = first.context["form"].data["digest"]
        second = province.post(url, _adjust_post(base, name="福州鼓山学院继续教育基地", digest=digest))
    assert second.status_code == 302
    base.refresh_from_db()
    assert base.name == "福州鼓山学院继续教育基地"


def test_art4_the_adjust_page_refuses_an_adjustment_that_changes_nothing_keeping_what_was_typed(
    base, province_user, client_as
):
    with at(2026, 3, 10):
        response = client_as(province_user).post(
            reverse("bases:adjust", args=[base.pk]), _adjust_post(base, reason="仅核对一下")
        )
    assert response.status_code == 200
    text = visible_text(response)
    assert "调整内容与基地现状相同" in text and "仅核对一下" in response.content.decode()
    assert not Adjustment.objects.exists()


def test_art4_the_merge_page_says_at_its_field_that_a_base_is_not_merged_into_itself(base, province_user, client_as):
    with at(2026, 3, 10):
        response = client_as(province_user).post(
            reverse("bases:merge", args=[base.pk]),
            {"merged_into": base.pk, "reason": "整合", "effective_on": "2026-03-10"},
        )
    assert response.status_code == 200
    assert "不能将基地并入其自身" in str(response.context["form"].errors["merged_into"])
    assert Base.objects.get(pk=base.pk).status == BaseStatus.ACTIVE


def test_art4_only_the_province_sees_the_adjust_and_merge_buttons(base, province_user, client_as):
    staff = base.institution.users.first()
    inside = client_as(province_user).get(reverse("bases:detail", args=[base.pk])).content.decode()
    theirs = client_as(staff).get(reverse("bases:detail", args=[base.pk])).content.decode()
    assert reverse("bases:adjust", args=[base.pk]) in inside and reverse("bases:merge", args=[base.pk]) in inside
    assert reverse("bases:adjust", args=[base.pk]) not in theirs
    assert client_as(staff).get(reverse("bases:adjust", args=[base.pk])).status_code == 404


# -- the register history runs a fixed number of queries however long ----------------------------------


def test_art4_the_base_pages_run_the_same_queries_with_5_adjustments_as_with_50(
    base, province_user, client, client_as, settings
):
    settings.PUBLIC_PAGE_CACHE = False  # count the page's own queries, not the cache's
    survivor = published_base(name="福建省继续教育学院")

    def adjustments(n):
        Adjustment.objects.bulk_create(
            Adjustment(
                base=base,
                changes=[{"field": "name", "label": "基地名称", "before": f"旧名{i}", "after": f"新名{i}"}],
                values={"name": f"新名{i}"},
                merged_into=survivor if i == 0 else None,
                kind="merger" if i == 0 else "change",
                reason="调整",
                effective_on=TODAY,
                took_effect_at=timezone.now(),
                decided_by=province_user,
            )
            for i in range(n)
        )

    adjustments(5)
    province = client_as(province_user)
    pages = assert_constant_queries(
        {
            "public": lambda: client.get(reverse("public:base", args=[base.pk])),
            "province": lambda: province.get(reverse("bases:detail", args=[base.pk])),
        },
        lambda: adjustments(45),
        warm=True,
    )
    assert visible_text(pages["public"]).count("基地名称：旧名") == 48  # and two mergers


def test_art4_the_merge_page_offers_only_the_other_live_bases(base, province_user, client_as):
    live = published_base(name="福建省继续教育学院")
    revoked = published_base(name="已撤销的基地", status=BaseStatus.REVOKED)
    page = client_as(province_user).get(reverse("bases:merge", args=[base.pk])).content.decode()
    assert f'<option value="{live.pk}">' in page
    assert f'<option value="{revoked.pk}">' not in page and f'<option value="{base.pk}">' not in page


def test_art4_a_base_no_longer_live_is_not_adjusted(province_user):
    ended = published_base(name="已撤销的基地", status=BaseStatus.REVOKED)
    with at(2026, 3, 10), pytest.raises(RuleViolation, match="不能调整"):
        adjust(province_user, ended, name="新名称")
    assert not Adjustment.objects.exists()
