"""django-allauth adapter: a per-IP block of failed sign-ins never locks anyone else out.

Failed sign-ins are limited two ways (``ACCOUNT_RATE_LIMITS``): per account
(``login_failed``, allauth's own: past it that account is refused, right password or not)
and per client address (``login_failed_ip``).  Many people can share an address — an
office behind NAT, or everyone when a reverse proxy is not declared
(``ALLAUTH_TRUSTED_PROXY_COUNT``) — so an address past its limit does not refuse the right
password: the person must also enter a one-time code e-mailed to the account's address
(allauth's login-by-code stage).  Someone guessing passwords from that address gets
nowhere without the mailbox; everyone else signs in.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import Login
from allauth.core import ratelimit
from django.http import HttpRequest

IP_ACTION = "login_failed_ip"
IP_OVER_LIMIT = "_highlands_ip_over_limit"


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        super().pre_authenticate(request, **credentials)  # the per-account limit refuses
        # The per-address limit only remembers whether this address is past it.
        past = not ratelimit.consume(request, action=IP_ACTION, dry_run=True)
        setattr(request, IP_OVER_LIMIT, past)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        super().authentication_failed(request, **credentials)
        ratelimit.consume(request, action=IP_ACTION)  # count the failure against the address

    def is_login_by_code_required(self, login: Login) -> bool:
        if getattr(self.request, IP_OVER_LIMIT, False):
            return True
        return super().is_login_by_code_required(login)
