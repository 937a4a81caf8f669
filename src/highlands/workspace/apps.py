from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "highlands.workspace"
    label = "workspace"
    verbose_name = "Coordinator and member workspace"
