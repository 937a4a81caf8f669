import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_reverse():
    """LocaleMiddleware leaves the last request's language active in the thread; start each
    test in English so ``reverse()`` means the unprefixed URL."""
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole site built once for a module (``site_world.build_site``); flushed after."""
    from django.conf import settings
    from django.core.management import call_command

    from .site_world import build_site

    previous = settings.HIGHLANDS_SEARCH_DIR
    settings.HIGHLANDS_SEARCH_DIR = tmp_path_factory.mktemp("site-search")
    with django_db_blocker.unblock():
        built = build_site()
    yield built
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
    settings.HIGHLANDS_SEARCH_DIR = previous
