from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "highlands.funding"
    label = "funding"
    verbose_name = "Funding and admission"

    def ready(self) -> None:
        from ..notifications.registry import register_job, register_kind
        from ..servicekit import delete_files_with_rows
        from .analytics_metrics import register as register_analytics
        from .jobs import deadline_alerts_send, new_call_alerts_send
        from .models import Evidence
        from .personal_data import register as register_personal_data
        from .search_documents import register

        register()
        register_analytics()
        register_personal_data()
        delete_files_with_rows(Evidence)  # also when a cascade deletes the rows
        register_kind("funding.new_call", label=_("Funding: a new call fits what you follow"))
        register_kind(
            "funding.deadline", label=_("Funding: a call you follow closes within 7 days")
        )
        register_job("funding.new_call_alerts", new_call_alerts_send, label="new-call alerts sent")
        register_job("funding.deadline_alerts", deadline_alerts_send, label="deadline alerts sent")
