from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

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
    path("accounts/", include("allauth.urls")),
    path("workspace/", include("highlands.workspace.urls")),
    path("marketplace/", include("highlands.marketplace.urls")),
    path("", include("highlands.accounts.urls")),
    path("", include("highlands.web.urls")),
]
