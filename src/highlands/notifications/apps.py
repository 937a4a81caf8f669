from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "highlands.notifications"
    label = "notifications"
    verbose_name = "Notifications and due jobs"

    def ready(self) -> None:
        # accounts sits below this layer and cannot register its own job: it is done here.
        from ..accounts.gdpr import retention_apply
        from .personal_data import register as register_personal_data
        from .registry import register_job

        register_personal_data()
        register_job(
            "accounts.retention",
            lambda: sum(retention_apply().values()),
            label="records past their GDPR retention deleted or erased",
        )
