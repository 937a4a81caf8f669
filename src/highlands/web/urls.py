from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("highlands/<slug:slug>/", views.highland_detail, name="highland"),
    path("clusters/", views.cluster_index, name="clusters"),
    path("downloads/clusters/", views.cluster_download, name="clusters_download"),
    path("clusters/<slug:slug>/", views.cluster_detail, name="cluster"),
    path(
        "clusters/<slug:slug>/contact/",
        views.contact,
        {"kind": "cluster"},
        name="cluster_contact",
    ),
    path("compare/", views.compare, name="compare"),
    path("organizations/", views.organization_index, name="organizations"),
    path("downloads/organizations/", views.organization_download, name="organizations_download"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization"),
    path(
        "organizations/<slug:slug>/contact/",
        views.contact,
        {"kind": "organization"},
        name="organization_contact",
    ),
    path("data-quality/", views.data_quality, name="data_quality"),
    path("sources/<int:pk>/", views.source_detail, name="source"),
]
