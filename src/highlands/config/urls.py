"""URLs: the API and sitemap once; the portal in English at / and in Polish at /pl/."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import RedirectView

from ..web.sitemaps import SITEMAPS
from ..web.views import robots_txt
from .api import api

urlpatterns = [
    # The admin signs in through allauth, so its login is rate-limited and audited too.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="admin_login",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    *i18n_patterns(
        path("accounts/", include("allauth.urls")),
        path("workspace/notifications/", include("highlands.notifications.urls")),
        path("workspace/", include("highlands.workspace.urls")),
        path("", include("highlands.accounts.urls")),
        path("search/", include("highlands.search.urls")),
        path("marketplace/", include("highlands.marketplace.urls")),
        path("analytics/", include("highlands.analytics.urls")),
        path("funding/", include("highlands.funding.urls")),
        path("events/", include("highlands.events.urls")),
        path("meetings/", include("highlands.meetings.urls")),
        path("", include("highlands.web.urls")),
        prefix_default_language=False,
    ),
]

handler404 = "highlands.web.views.page_not_found"
