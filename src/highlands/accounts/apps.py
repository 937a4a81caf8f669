from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "highlands.accounts"
    label = "accounts"
    verbose_name = "Accounts, roles and personal data"

    def ready(self) -> None:
        # The API toolkit imports no app: it learns here how a bearer token finds its user.
        from ..apikit.auth import register_token_lookup
        from .services import api_token_user

        register_token_lookup(lambda raw: api_token_user(raw=raw))
