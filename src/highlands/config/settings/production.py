"""Production: everything from ``base`` plus HTTPS-only transport; secrets must come from env."""

import os

os.environ.setdefault("HIGHLANDS_REQUIRE_SECRET_KEY", "1")
# Production runs behind one TLS-terminating proxy (README, "Production"): count its
# X-Forwarded-For entry, so sign-in limits see clients, not the proxy.
os.environ.setdefault("HIGHLANDS_TRUSTED_PROXY_COUNT", "1")

from .base import *  # noqa: F403

DEBUG = False
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
