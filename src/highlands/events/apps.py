from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "highlands.events"
    label = "events"
    verbose_name = "Events and training"

    def ready(self) -> None:
        from .search_documents import register

        register()
