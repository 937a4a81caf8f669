from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("events/<int:event_pk>/", views.event_entry, name="event"),
    path("events/<int:event_pk>/setup/", views.setup, name="setup"),
    path("<int:pk>/", views.home, name="home"),
    path("<int:pk>/join/", views.join, name="join"),
    path("<int:pk>/profile/", views.profile, name="profile"),
    path("<int:pk>/participants/", views.participants, name="participants"),
    path(
        "<int:pk>/participants/<int:participant_pk>/request/",
        views.request_create,
        name="request",
    ),
    path("<int:pk>/requests/", views.inbox, name="inbox"),
    path("requests/<int:pk>/<str:action>/", views.request_answer, name="answer"),
    path("<int:pk>/agenda/", views.agenda, name="agenda"),
    path("<int:pk>/agenda.pdf", views.agenda_pdf, name="agenda_pdf"),
    path("<int:pk>/agenda.ics", views.agenda_ical, name="agenda_ical"),
    path("<int:pk>/manage/", views.manage, name="manage"),
    path("<int:pk>/settings/", views.session_edit, name="edit"),
    path("<int:pk>/manage/<str:action>/", views.manage_action, name="manage_action"),
    path("<int:pk>/tables/", views.table_cards, name="tables"),
    path("meeting/<int:pk>/move/", views.meeting_move, name="move"),
    path("meeting/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("meeting/<int:pk>/cooperation/", views.cooperation_start, name="cooperation"),
    path("meeting/<int:pk>/offer/<str:action>/", views.offer_answer, name="offer"),
]
