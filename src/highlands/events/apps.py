from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "highlands.events"
    label = "events"
    verbose_name = "Events and training"

    def ready(self) -> None:
        from .analytics_metrics import register as register_analytics
        from .search_documents import register

        register()
        register_analytics()
