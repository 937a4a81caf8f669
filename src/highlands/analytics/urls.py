from django.urls import path

from . import views

app_name = "analytics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tables/<slug:name>/", views.table_download, name="table_download"),
    path("network/", views.network_page, name="network"),
    path("network/download/", views.network_download, name="network_download"),
    path("network/<str:kind>/<slug:slug>/", views.network_node, name="network_node"),
    path("report/", views.report, name="report"),
    path("report/<str:scope>/<slug:slug>/", views.report, name="report_scope"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/datapackage.json", views.datapackage, name="datapackage"),
    path("open-data/catalogue.jsonld", views.dcat_catalogue, name="dcat_catalogue"),
    path("open-data/<slug:name>/", views.dataset_download, name="dataset_download"),
]
