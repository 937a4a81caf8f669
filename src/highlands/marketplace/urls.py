from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "marketplace"
urlpatterns = [
    path("", views.profile_index, name="index"),
    path("new/", views.profile_create, name="profile_create"),
    path("profiles/<int:pk>/", views.profile_detail, name="profile"),
    path(
        "profiles/<int:pk>/<str:action>/",
        views.profile_action,
        name="profile_action",
    ),
    path("interests/", views.interest_index, name="interests"),
    path("interests/<int:pk>/<str:action>/", views.interest_action, name="interest_action"),
    # The marketplace's own inbox moved into the one notifications list; old links still work.
    path(
        "notifications/",
        RedirectView.as_view(pattern_name="notifications:list", permanent=True),
        name="notifications",
    ),
    path("searches/", views.search_index, name="searches"),
    path("searches/follow/", views.search_follow, name="search_follow"),
    path(
        "organizations/<slug:slug>/",
        views.organization_recommendations,
        name="organization",
    ),
    path("clusters/<slug:slug>/activity/", views.cluster_activity, name="cluster_activity"),
    path("statistics/", views.statistics, name="statistics"),
]
