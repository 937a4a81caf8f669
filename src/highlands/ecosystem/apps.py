from django.apps import AppConfig


class EcosystemConfig(AppConfig):
    name = "highlands.ecosystem"
    label = "ecosystem"
    verbose_name = "Ecosystem registry"

    def ready(self) -> None:
        from .search_documents import register

        register()
