from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "highlands.meetings"
    label = "meetings"
    verbose_name = "Brokerage meetings"

    def ready(self) -> None:
        from ..notifications.registry import register_job
        from .analytics_metrics import register
        from .jobs import reminders_send, requests_expire

        register()
        register_job("meetings.requests_expire", requests_expire, label="meeting requests expired")
        register_job(
            "meetings.reminders_send", reminders_send, label="meeting request reminders sent"
        )
