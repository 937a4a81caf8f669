from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "highlands.meetings"
    label = "meetings"
    verbose_name = "Brokerage meetings"

    def ready(self) -> None:
        from ..notifications.registry import register_job, register_kind
        from .analytics_metrics import register
        from .jobs import reminders_send, requests_expire
        from .personal_data import register as register_personal_data

        register()
        register_personal_data()
        register_kind(
            "meetings.update",
            label=_("B2B meetings: requests, answers, schedules and changes"),
        )
        register_kind(
            "meetings.change",
            label=_("B2B meetings: a published meeting moved or cancelled"),
        )
        register_job("meetings.requests_expire", requests_expire, label="meeting requests expired")
        register_job(
            "meetings.reminders_send", reminders_send, label="meeting request reminders sent"
        )
