from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "highlands.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the authentication-event receivers)
