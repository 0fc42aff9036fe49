"""The public side is findable: sitemap.xml lists the published base pages, robots.txt points to it and
keeps crawlers out of the signed-in areas, and every public page has a <title> of its own."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bases.models import Announcement, AnnouncementKind
from tests import factories

from .conftest import page_title, published_base

pytestmark = pytest.mark.django_db

SITE = "福建省省级专业技术人员继续教育基地管理平台"


def test_sitemap_lists_every_published_base_page_and_no_unpublished_one(visitor):
    shown = [published_base() for _ in range(3)]
    hidden = factories.BaseFactory(published_at=None)
    news = Announcement.objects.create(kind=AnnouncementKind.OTHER, title="公告", body="…", published_at=timezone.now())

    response = visitor.get("/sitemap.xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    locs = set(re.findall(r"<loc>(.*?)</loc>", response.content.decode()))
    for base in shown:
        assert f"http://testserver/public/bases/{base.pk}/" in locs
    assert f"http://testserver/public/bases/{hidden.pk}/" not in locs
    assert f"http://testserver/public/announcements/{news.pk}/" in locs
    assert "http://testserver/public/bases/" in locs
    assert "http://testserver/public/verify/" in locs
    assert all(loc == "http://testserver/" or loc.startswith("http://testserver/public/") for loc in locs)


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_signed_in_areas(visitor):
    response = visitor.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    for private in ("/admin/", "/applications/", "/bases/", "/inbox/", "/users/"):
        assert f"Disallow: {private}" in lines
    assert "Disallow: /public/" not in lines


def test_public_pages_have_meaningful_titles(visitor):
    base = published_base(name="福州鼓山职业培训学院", year=2025, sequence=7, register_number="闽继教基地〔2025〕007号")
    news = Announcement.objects.create(
        kind=AnnouncementKind.RECOGNITION,
        title="关于公布2025年第一批基地名单的通知",
        body="…",
        published_at=timezone.now(),
    )
    expected = {
        reverse("public:register"): "省级继续教育基地名册",
        reverse("public:base", args=[base.pk]): "福州鼓山职业培训学院（闽继教基地〔2025〕007号）",
        reverse("public:announcements"): "公告",
        reverse("public:announcement", args=[news.pk]): "关于公布2025年第一批基地名单的通知",
        reverse("public:verify"): "匾牌验证",
        reverse("public:verify_code", args=[base.verification_code]): "匾牌验证",
        reverse("public:open_data"): "开放数据",
    }

    titles = {}
    for url, start in expected.items():
        response = visitor.get(url)
        assert response.status_code == 200, url
        titles[url] = page_title(response)
        assert titles[url] == f"{start} - {SITE}", url
    assert len(set(titles.values())) == len(titles) - 1  # only the two verification pages share one


def test_base_page_describes_the_base_for_search_engines(visitor):
    base = published_base(name="福州鼓山职业培训学院")

    page = visitor.get(reverse("public:base", args=[base.pk])).content.decode()

    assert (
        f'<meta name="description" content="福州鼓山职业培训学院，福建省省级专业技术人员继续教育基地，编号{base.register_number}。">'
        in page
    )
