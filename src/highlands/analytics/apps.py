from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "highlands.analytics"
    label = "analytics"
    verbose_name = "Analytics and open data"
