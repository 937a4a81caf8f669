import threading

from django.apps import AppConfig
from django.conf import settings


class SearchConfig(AppConfig):
    name = "highlands.search"
    label = "search"
    verbose_name = "Search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Web workers can load the sentence encoder (~2 s) in the background at start-up
        # instead of on their first search; commands and tests leave it off.
        if getattr(settings, "HIGHLANDS_SEARCH_PRELOAD", False):
            from .encoders import get_encoder

            threading.Thread(target=get_encoder, name="search-encoder-preload", daemon=True).start()
