from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "highlands.notifications"
    label = "notifications"
    verbose_name = "Notifications and due jobs"
