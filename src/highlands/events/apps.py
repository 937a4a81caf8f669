from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "highlands.events"
    label = "events"
    verbose_name = "Events and training"

    def ready(self) -> None:
        from ..notifications.registry import register_job, register_kind
        from .analytics_metrics import register as register_analytics
        from .personal_data import register as register_personal_data
        from .search_documents import register
        from .services import events_finish, offers_expire, reminders_send

        register()
        register_analytics()
        register_personal_data()
        for name, label in (
            ("confirmed", _("Events: your seat is confirmed")),
            ("waiting", _("Events: you are on the waiting list")),
            ("promoted", _("Events: a freed seat is yours")),
            ("offered", _("Events: a seat is offered to you")),
            ("changed", _("Events: an event you registered for changed")),
            ("event_cancelled", _("Events: an event you registered for is cancelled")),
            ("reminder", _("Events: reminder a day before")),
        ):
            register_kind(f"events.{name}", label=label)
        register_job("events.offers_expire", offers_expire, label="offered seats expired")
        register_job("events.reminders_send", reminders_send, label="event reminders sent")
        register_job("events.events_finish", events_finish, label="ended events finished")
