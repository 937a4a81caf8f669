"""sitemap.xml: every public page in English and Polish, with hreflang alternates."""

from __future__ import annotations

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from ..ecosystem import selectors


class _Bilingual(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class StaticSitemap(_Bilingual):
    priority = 0.8

    def items(self) -> list[str]:
        return ["web:home", "web:clusters", "web:organizations", "web:compare", "web:data_quality"]

    def location(self, item: str) -> str:
        return reverse(item)


class HighlandSitemap(_Bilingual):
    priority = 0.7

    def items(self) -> list[Any]:
        return list(selectors.highland_list())

    def location(self, item: Any) -> str:
        return reverse("web:highland", args=[item.slug])


class ClusterSitemap(_Bilingual):
    priority = 0.6

    def items(self) -> list[Any]:
        return list(selectors.cluster_list())

    def location(self, item: Any) -> str:
        return reverse("web:cluster", args=[item.slug])


class OrganizationSitemap(_Bilingual):
    priority = 0.4

    def items(self) -> list[Any]:
        return list(selectors.organization_list())

    def location(self, item: Any) -> str:
        return reverse("web:organization", args=[item.slug])


SITEMAPS = {
    "pages": StaticSitemap,
    "highlands": HighlandSitemap,
    "clusters": ClusterSitemap,
    "organizations": OrganizationSitemap,
}
