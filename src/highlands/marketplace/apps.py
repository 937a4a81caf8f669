from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "highlands.marketplace"
    label = "marketplace"
    verbose_name = "Cooperation marketplace"

    def ready(self) -> None:
        from ..notifications.registry import register_job, register_kind
        from ..servicekit import SYSTEM
        from .analytics_metrics import register as register_analytics
        from .models import NotificationKind
        from .personal_data import register as register_personal_data
        from .search_documents import register
        from .services import profile_expire_due

        register()
        register_analytics()
        register_personal_data()
        for kind in NotificationKind:
            register_kind(kind.registered, label=kind.label)
        register_job(
            "marketplace.profiles_expire",
            lambda: profile_expire_due(actor=SYSTEM),
            label="profiles past their validity date expired",
        )
