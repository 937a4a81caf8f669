from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "highlands.ingest"
    label = "ingest"
    verbose_name = "Ingestion"

    def ready(self) -> None:
        from .personal_data import register

        register()
