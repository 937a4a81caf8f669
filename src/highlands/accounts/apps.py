from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "highlands.accounts"
    label = "accounts"
    verbose_name = "Accounts, roles and personal data"
