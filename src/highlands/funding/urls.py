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
    path("organizations/<slug:slug>/pipeline/", views.pipeline_index, name="pipeline"),
    path("pipeline/<int:pk>/", views.pipeline_entry, name="pipeline_entry"),
    path("pipeline/<int:pk>/update/", views.pipeline_update, name="pipeline_update"),
    path("pipeline/<int:pk>/invite/", views.pipeline_invite, name="pipeline_invite"),
    path("invitations/<int:pk>/<str:answer>/", views.invitation_answer, name="invitation_answer"),
    path("clusters/<slug:slug>/pipeline/", views.cluster_pipeline, name="cluster_pipeline"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path(
        "applications/<int:pk>/<str:action>/", views.application_action, name="application_action"
    ),
]
