"""Section 3: the public register of bases — search, filters, sorting, pagination, the detail page — and
the fixed number of SQL queries it runs whatever its length (section 5)."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import InstitutionType
from bases import services
from bases.models import BaseStatus
from tests import factories
from tests.helpers import assert_constant_queries, get_ok, visible_text

from .conftest import listed_bases, published_base

pytestmark = pytest.mark.django_db

REGISTER = reverse("public:register")


def register(client, **params):
    response = client.get(REGISTER, params)
    assert response.status_code == 200
    return response


# -- search -----------------------------------------------------------------------------------------


def test_register_search_by_part_of_the_name_lists_only_matching_bases(visitor):
    gushan = published_base(name="福州鼓山职业培训学院")
    haicang = published_base(name="厦门海沧继续教育中心")

    response = register(visitor, q="鼓山")

    assert listed_bases(response) == [gushan.pk]
    assert "福州鼓山职业培训学院" in visible_text(response)
    assert haicang.name not in visible_text(response)


@pytest.mark.parametrize(
    ("params", "opened"),
    [
        ({}, False),
        ({"q": "学院"}, False),
        ({"sort": "name"}, True),
        ({"year": "2025", "q": "学院"}, True),
        ({"region": ""}, False),
    ],
)
def test_the_more_filters_are_open_when_one_of_them_was_sent(visitor, params, opened):
    published_base(name="培训学院", year=2025)
    page = register(visitor, **params).content.decode()
    assert ("<details open>" in page) is opened and ("<details>" in page) is not opened


def test_register_search_by_register_number_finds_the_base(visitor):
    wanted = published_base(year=2024, sequence=7, register_number="闽继教基地〔2024〕007号")
    published_base(year=2024, sequence=8, register_number="闽继教基地〔2024〕008号")

    response = register(visitor, q="〔2024〕007")

    assert listed_bases(response) == [wanted.pk]
    assert "闽继教基地〔2024〕007号" in visible_text(response)


def test_register_search_without_match_says_so(visitor):
    published_base(name="福州鼓山职业培训学院")

    response = register(visitor, q="不存在的机构")

    assert listed_bases(response) == []
    assert "没有符合条件的基地" in visible_text(response)


# -- filters ----------------------------------------------------------------------------------------


def test_register_filter_by_city_lists_only_that_citys_bases(visitor):
    xiamen = factories.region("350200")
    in_xiamen = published_base(region=xiamen)
    published_base(region=factories.region("350100"))

    response = register(visitor, region=xiamen.pk)

    assert listed_bases(response) == [in_xiamen.pk]
    assert "厦门市" in visible_text(response)


def test_art3_register_filters_by_a_managed_training_field(visitor):
    health = published_base(fields="卫生健康、药学")
    health.training_fields.set([factories.field("卫生健康")])
    engineering = published_base(fields="工程技术")
    engineering.training_fields.set([factories.field("工程技术")])

    response = register(visitor, field=factories.field("卫生健康").pk)
    assert listed_bases(response) == [health.pk]
    assert f'<option value="{factories.field("卫生健康").pk}" selected>卫生健康</option>' in response.content.decode()


def test_register_filter_by_institution_type(visitor):
    university = published_base(institution_type=InstitutionType.UNIVERSITY)
    published_base(institution_type=InstitutionType.TRAINING)

    response = register(visitor, institution_type=InstitutionType.UNIVERSITY)

    assert listed_bases(response) == [university.pk]
    assert "高等院校" in visible_text(response)


def test_register_filter_by_recognition_year(visitor):
    of_2024 = published_base(year=2024, recognised_on=date(2024, 7, 1))
    published_base(year=2025, recognised_on=date(2025, 7, 1))

    response = register(visitor, year=2024)

    assert listed_bases(response) == [of_2024.pk]
    assert "2024年7月1日" in visible_text(response)


def test_register_year_choices_are_the_years_with_published_bases(visitor):
    published_base(year=2023)
    published_base(year=2025)
    factories.BaseFactory(year=2019)  # not published: its year is nobody's business yet

    page = register(visitor).content.decode()

    assert '<option value="2025">2025年</option>' in page
    assert '<option value="2023">2023年</option>' in page
    assert "2019年" not in page


@pytest.fixture
def one_of_each_status():
    return {status: published_base(status=status) for status in BaseStatus.values}


def test_register_by_default_shows_active_and_rectifying_bases_only(visitor, one_of_each_status):
    response = register(visitor)

    assert set(listed_bases(response)) == {
        one_of_each_status[BaseStatus.ACTIVE].pk,
        one_of_each_status[BaseStatus.RECTIFYING].pk,
        one_of_each_status[BaseStatus.SUSPENDED].pk,  # issue 14: a suspended base is still live (LIVE_STATUSES)
    }
    assert "整改中" in visible_text(response)


@pytest.mark.parametrize("status", [BaseStatus.REVOKED, BaseStatus.CANCELLED, BaseStatus.RECTIFYING])
def test_register_status_filter_finds_bases_in_that_status(visitor, one_of_each_status, status):
    response = register(visitor, status=status)

    assert listed_bases(response) == [one_of_each_status[status].pk]
    assert BaseStatus(status).label in visible_text(response)


def test_register_status_all_includes_revoked_and_cancelled_bases(visitor, one_of_each_status):
    response = register(visitor, status="all")

    assert set(listed_bases(response)) == {b.pk for b in one_of_each_status.values()}
    text = visible_text(response)
    assert "已撤销" in text and "已取消" in text


def test_unpublished_bases_never_appear_in_the_register(visitor):
    shown = published_base(name="已公布的基地")
    hidden = factories.BaseFactory(name="尚未公布的基地", published_at=None)

    for params in ({}, {"q": "尚未公布"}, {"status": "all"}, {"q": hidden.register_number}):
        response = register(visitor, **params)
        assert hidden.pk not in listed_bases(response)
        assert "尚未公布的基地" not in visible_text(response)
    assert listed_bases(register(visitor)) == [shown.pk]


# -- sorting ----------------------------------------------------------------------------------------


@pytest.fixture
def three_bases():
    """Three bases whose order differs by number, name, recognition date and city."""
    return {
        "b": published_base(
            year=2024, sequence=1, name="培训学院B", recognised_on=date(2024, 3, 1), region=factories.region("350200")
        ),
        "c": published_base(
            year=2024, sequence=2, name="培训学院C", recognised_on=date(2024, 9, 1), region=factories.region("350100")
        ),
        "a": published_base(
            year=2025, sequence=1, name="培训学院A", recognised_on=date(2025, 5, 1), region=factories.region("350900")
        ),
    }


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        (None, "bca"),  # by register number: year, then sequence
        ("number", "bca"),
        ("name", "abc"),
        ("-recognised", "acb"),  # newest recognition first
        ("region", "cba"),  # 福州, 厦门, 宁德: the province's order of the cities
    ],
)
def test_register_sorts_by_the_chosen_order(visitor, three_bases, sort, order):
    params = {"sort": sort} if sort else {}

    assert listed_bases(register(visitor, **params)) == [three_bases[key].pk for key in order]


def test_register_unknown_sort_falls_back_to_register_number(visitor, three_bases):
    assert listed_bases(register(visitor, sort="id; drop table")) == [three_bases[k].pk for k in "bca"]


# -- pagination -------------------------------------------------------------------------------------


def test_register_shows_20_bases_a_page_and_the_rest_on_page_2(visitor):
    batch = factories.BatchFactory()
    bases = [published_base(application__batch=batch, year=2025, sequence=n) for n in range(1, 26)]

    first = register(visitor)
    second = register(visitor, page=2)

    assert listed_bases(first) == [b.pk for b in bases[:20]]
    assert listed_bases(second) == [b.pk for b in bases[20:]]
    assert "第1页，共2页（25条）" in visible_text(first)
    assert "下一页" in visible_text(first)
    assert "第2页，共2页（25条）" in visible_text(second)
    assert "上一页" in visible_text(second)


def test_register_pagination_keeps_the_filters_in_the_page_links(visitor):
    for n in range(1, 23):
        published_base(year=2025, sequence=n, fields="卫生健康")

    page = register(visitor, field="卫生健康").content.decode()

    # and where the page ends, so the next one is a seek in the register's order (public/selectors.py)
    assert 'href="?field=%E5%8D%AB%E7%94%9F%E5%81%A5%E5%BA%B7&amp;page=2&amp;after=2025-20">下一页' in page


# -- the same number of queries however long the list ------------------------------------------------


def _publish(n, start=1):
    batch = factories.BatchFactory()
    for seq in range(start, start + n):
        published_base(application__batch=batch, year=2025, sequence=seq)


# years for the filter, the cities, the fields and the institution kinds for the filters (Art. 3), the count,
# the page of bases
REGISTER_PAGE_QUERIES = 6


def test_register_runs_the_same_queries_for_5_and_50_bases_and_on_every_page(visitor):
    _publish(5)
    assert_constant_queries(
        lambda: get_ok(visitor, REGISTER),
        lambda: _publish(45, start=6),
        also=[
            lambda: get_ok(visitor, REGISTER, {"page": 2}),
            lambda: get_ok(visitor, REGISTER, {"q": "学院", "status": "all", "sort": "region", "page": 3}),
        ],
        pinned=REGISTER_PAGE_QUERIES,
    )


def test_base_detail_runs_the_same_queries_with_5_changes_and_announcements_as_with_none(visitor, province_user):
    base = published_base()

    def five_changes():
        staff = factories.InstitutionUserFactory(institution=base.institution)
        for n in range(5):
            filing = services.file_change(
                actor=staff,
                base_id=base.pk,
                changes={"phone": f"0591-8000000{n}"},
                reason="换号",
                evidence=factories.pdf_file(),
            )
            services.decide_change(actor=province_user, filing_id=filing.pk, accept=True)  # and an announcement

    response = assert_constant_queries(lambda: visitor.get(reverse("public:base", args=[base.pk])), five_changes)

    assert "联系电话：0591-80000003 → 0591-80000004" in visible_text(response)


# -- the detail page ------------------------------------------------------------------------------------


@pytest.fixture
def detailed_base():
    batch = factories.BatchFactory(name="2024年第一批")
    base = published_base(
        application__batch=batch,
        year=2024,
        sequence=12,
        register_number="闽继教基地〔2024〕012号",
        recognised_on=date(2024, 7, 1),
        name="福州鼓山职业培训学院",
        region=factories.region("350100"),
        institution_type=InstitutionType.TRAINING,
        fields="工程技术、经济",
        address="福州市鼓楼区学府路1号",
        contact_person="赵老师",
        phone="0591-87654321",
        email="gushan@example.cn",
        website="https://gushan.example.cn",
    )
    return base


def test_base_detail_shows_its_facts_and_recognition(visitor, detailed_base):
    response = visitor.get(reverse("public:base", args=[detailed_base.pk]))

    assert response.status_code == 200
    text = visible_text(response)
    for fact in (
        "福州鼓山职业培训学院",
        "闽继教基地〔2024〕012号",
        "2024年7月1日",
        "2024年第一批",
        detailed_base.institution.name,
        "福州市",
        "教育培训机构",
        "工程技术、经济",
        "福州市鼓楼区学府路1号",
        "赵老师",
        "0591-87654321",
        "gushan@example.cn",
        "https://gushan.example.cn",
        "正常",
    ):
        assert fact in text, fact
    assert "该基地尚未公开收费信息" in text
    assert "暂无变更" in text


def test_base_detail_shows_the_fee_disclosure_with_its_update_date(visitor, detailed_base):
    services.save_fee_disclosure(
        actor=factories.InstitutionUserFactory(institution=detailed_base.institution),
        base_id=detailed_base.pk,
        scope="专业技术人员继续教育",
        content="公需科目、专业科目",
        fee_items="公需科目培训 每人每学时 20元\n专业科目培训 每人每学时 30元",
    )

    text = visible_text(visitor.get(reverse("public:base", args=[detailed_base.pk])))

    assert "专业技术人员继续教育" in text
    assert "公需科目培训 每人每学时 20元" in text and "专业科目培训 每人每学时 30元" in text
    assert f"最近更新 {timezone.localdate():%Y年%-m月%-d日}" in text


def test_base_detail_lists_accepted_changes_old_to_new_and_not_pending_or_returned_ones(
    visitor, detailed_base, province_user
):
    staff = factories.InstitutionUserFactory(institution=detailed_base.institution)

    def file(**changes):
        return services.file_change(
            actor=staff, base_id=detailed_base.pk, changes=changes, reason="变更", evidence=factories.pdf_file()
        )

    returned = file(address="被退回的地址")
    services.decide_change(actor=province_user, filing_id=returned.pk, accept=False, comment="证明不全")
    accepted = file(phone="0591-88888888")
    services.decide_change(actor=province_user, filing_id=accepted.pk, accept=True)
    file(contact_person="尚在办理")

    text = visible_text(visitor.get(reverse("public:base", args=[detailed_base.pk])))

    assert "联系电话：0591-87654321 → 0591-88888888" in text
    assert "被退回的地址" not in text
    assert "尚在办理" not in text


def test_base_detail_of_an_unpublished_base_is_404(visitor):
    hidden = factories.BaseFactory(published_at=None)

    assert visitor.get(reverse("public:base", args=[hidden.pk])).status_code == 404


def test_base_detail_of_an_unknown_base_is_404(visitor):
    assert visitor.get(reverse("public:base", args=[999999])).status_code == 404


def test_revoked_base_stays_visible_with_its_status(visitor):
    revoked = published_base(status=BaseStatus.REVOKED, status_changed_on=date(2025, 3, 1))

    response = visitor.get(reverse("public:base", args=[revoked.pk]))

    assert response.status_code == 200
    assert "已撤销" in visible_text(response)
