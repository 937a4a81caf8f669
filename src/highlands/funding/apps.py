from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "highlands.funding"
    label = "funding"
    verbose_name = "Funding and admission"

    def ready(self) -> None:
        from .search_documents import register

        register()
