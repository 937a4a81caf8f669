from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "highlands.web"
    label = "web"
    verbose_name = "Public portal"
