from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("mine/", views.my_registrations, name="mine"),
    path("manage/", views.manage_index, name="manage"),
    path("new/", views.event_create, name="create"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/event.ics", views.event_ical, name="ical"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/cancel/", views.registration_cancel, name="cancel"),
    path("<int:pk>/accept/", views.offer_accept, name="accept"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/status/<str:action>/", views.event_action, name="action"),
    path("<int:pk>/registrants/", views.event_registrants, name="registrants"),
    path("<int:pk>/registrants.<str:fmt>", views.registrants_download, name="registrants_download"),
    path("<int:pk>/checkin/", views.event_checkin, name="checkin"),
    path("<int:pk>/certificate.pdf", views.certificate_download, name="certificate"),
    path("certificates/<str:token>/", views.certificate_verify, name="certificate_verify"),
    path("feeds/<str:token>/calendar.ics", views.personal_ical, name="personal_ical"),
    path("clusters/<slug:slug>/", views.cluster_events, name="cluster"),
    path("clusters/<slug:slug>/calendar.ics", views.cluster_ical, name="cluster_ical"),
    path("highlands/<slug:slug>/calendar.ics", views.highland_ical, name="highland_ical"),
]
