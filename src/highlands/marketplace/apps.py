from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "highlands.marketplace"
    label = "marketplace"
    verbose_name = "Cooperation marketplace"

    def ready(self) -> None:
        from .analytics_metrics import register as register_analytics
        from .search_documents import register

        register()
        register_analytics()
