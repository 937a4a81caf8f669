from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "highlands.meetings"
    label = "meetings"
    verbose_name = "Brokerage meetings"
