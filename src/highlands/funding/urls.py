from django.urls import path

from . import views

app_name = "funding"
urlpatterns = [
    path("", views.call_index, name="index"),
    path("deadlines.ics", views.call_calendar, name="calendar"),
    path("calls/<slug:slug>/", views.call_detail, name="call"),
    path("organizations/<slug:slug>/", views.organization_calls, name="organization"),
    path("organizations/<slug:slug>/facts/", views.facts_edit, name="facts"),
    path("clusters/<slug:slug>/apply/", views.application_create, name="apply"),
    path("clusters/<slug:slug>/applications/", views.cluster_applications, name="applications"),
    path("clusters/<slug:slug>/rules/", views.admission_rules_edit, name="rules"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path(
        "applications/<int:pk>/<str:action>/", views.application_action, name="application_action"
    ),
]
