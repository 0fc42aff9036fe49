"""The sitemap of the public pages (SEO)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from bases.models import Announcement, Base


class StaticSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["home", "public:register", "public:announcements", "public:verify", "public:open_data"]

    def location(self, item):
        return reverse(item)


class BaseSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Base.objects.published().only("id").order_by("id")

    def location(self, item):
        return reverse("public:base", args=[item.pk])


class AnnouncementSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Announcement.objects.only("id", "published_at").order_by("-published_at")

    def location(self, item):
        return reverse("public:announcement", args=[item.pk])

    def lastmod(self, item):
        return item.published_at


SITEMAPS = {"static": StaticSitemap, "bases": BaseSitemap, "announcements": AnnouncementSitemap}
