from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "highlands.funding"
    label = "funding"
    verbose_name = "Funding and admission"

    def ready(self) -> None:
        from .analytics_metrics import register as register_analytics
        from .search_documents import register

        register()
        register_analytics()
