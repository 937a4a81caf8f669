import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_reverse():
    """LocaleMiddleware leaves the last request's language active in the thread; start each
    test in English so ``reverse()`` means the unprefixed URL."""
    translation.activate("en")
    yield
    translation.activate("en")
