from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("privacy/", views.privacy, name="privacy"),
]
