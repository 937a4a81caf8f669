from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "highlands.marketplace"
    label = "marketplace"
    verbose_name = "Cooperation marketplace"

    def ready(self) -> None:
        from .search_documents import register

        register()
