from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "highlands.meetings"
    label = "meetings"
    verbose_name = "Brokerage meetings"

    def ready(self) -> None:
        from .analytics_metrics import register

        register()
