"""Art. 18 (加强课程开发和课件意识形态审核): the base keeps a log of its courses and courseware with each
quality and ideology review (reviewer, date, 通过 / 修改后通过 / 不通过, notes, file); the province reads it;
uploads pass the same checks as every other document."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from bases.models import CoursewareReview
from tests import factories
from tests.helpers import assert_constant_queries, client_as, get_ok, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def base():
    return factories.BaseFactory(recognised_on=date(2025, 1, 10))


@pytest.fixture
def keeper(base, client):
    return client_as(factories.InstitutionUserFactory(institution=base.institution), client)


def review_data(**extra):
    return {
        "reviewer": "课程审核小组",
        "reviewed_on": timezone.localdate().isoformat(),
        "result": "amended",
        "notes": "第三章案例已替换",
        **extra,
    }


def test_the_base_adds_a_course_and_records_a_review_with_its_file(base, keeper):
    response = keeper.post(
        reverse("bases:course_new", args=[base.pk]),
        {"title": "职业道德与诚信", "field": "公需科目", "kind": "course", "updated_on": "2025-09-01"},
    )
    course = base.courses.get()
    assert response.status_code == 302 and response.url == reverse("bases:review_new", args=[course.pk])

    response = keeper.post(
        reverse("bases:review_new", args=[course.pk]), review_data(file=factories.pdf_file("审核表.pdf"))
    )

    assert response.status_code == 302
    review = course.reviews.get()
    assert (review.reviewer, review.result, review.original_name, review.kind) == (
        "课程审核小组",
        "amended",
        "审核表.pdf",
        "pdf",
    )
    assert review.history.count() == 1
    page = visible_text(get_ok(keeper, reverse("bases:courseware", args=[base.pk])))
    assert "职业道德与诚信 · 课程 · 公需科目" in page and "修改后通过" in page and "审核表.pdf" in page
    download = keeper.get(reverse("bases:review_file", args=[review.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_a_review_of_a_new_version_moves_the_courses_update_date(base, keeper):
    course = factories.CourseFactory(base=base, updated_on=date(2025, 2, 1))
    keeper.post(reverse("bases:review_new", args=[course.pk]), review_data(updated_on="2025-10-01"))
    course.refresh_from_db()
    assert course.updated_on == date(2025, 10, 1)


def test_a_file_that_is_not_an_allowed_kind_is_refused_and_the_typing_kept(base, keeper):
    course = factories.CourseFactory(base=base)
    fake = SimpleUploadedFile("审核表.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    response = keeper.post(reverse("bases:review_new", args=[course.pk]), review_data(file=fake))

    assert response.status_code == 200
    html = response.content.decode()
    assert "内容不是允许的类型" in html and 'value="课程审核小组"' in html and "第三章案例已替换" in html
    assert not CoursewareReview.objects.exists()


def test_a_review_dated_tomorrow_or_without_a_result_is_refused_in_chinese(base, keeper):
    course = factories.CourseFactory(base=base)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    html = keeper.post(
        reverse("bases:review_new", args=[course.pk]), review_data(reviewed_on=tomorrow)
    ).content.decode()
    assert "审核日期不能晚于今天。" in html
    html = keeper.post(reverse("bases:review_new", args=[course.pk]), review_data(result="")).content.decode()
    assert "请选择审核结论。" in html
    assert not CoursewareReview.objects.exists()


def test_the_province_reads_the_log_but_cannot_add_to_it(base, client):
    review = factories.CoursewareReviewFactory(course=factories.CourseFactory(base=base, title="安全生产课件"))
    province = client_as(factories.UserFactory(role="province"), client)

    page = get_ok(province, reverse("bases:courseware", args=[base.pk])).content.decode()

    assert "安全生产课件" in page and reverse("bases:course_new", args=[base.pk]) not in page
    assert reverse("bases:review_new", args=[review.course_id]) not in page
    assert province.get(reverse("bases:review_file", args=[review.pk])).status_code == 200
    assert province.post(reverse("bases:review_new", args=[review.course_id]), review_data()).status_code == 404
    assert CoursewareReview.objects.count() == 1


def test_another_bases_course_and_review_file_answer_404(keeper):
    review = factories.CoursewareReviewFactory()
    assert keeper.get(reverse("bases:review_file", args=[review.pk])).status_code == 404
    assert keeper.get(reverse("bases:review_new", args=[review.course_id])).status_code == 404
    assert keeper.post(reverse("bases:review_new", args=[review.course_id]), review_data()).status_code == 404
    assert keeper.get(reverse("bases:courseware", args=[review.course.base_id])).status_code == 404
    assert CoursewareReview.objects.count() == 1


def test_the_log_page_runs_a_fixed_number_of_queries(base, keeper):
    """The session user, the unread badge, the base, its courses, their reviews."""
    url = reverse("bases:courseware", args=[base.pk])

    def grow():
        for _ in range(45):
            factories.CoursewareReviewFactory(course=factories.CourseFactory(base=base), file="")

    for _ in range(5):
        factories.CoursewareReviewFactory(course=factories.CourseFactory(base=base), file="")
    assert_constant_queries(lambda: get_ok(keeper, url), grow, pinned=5)
