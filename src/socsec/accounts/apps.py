from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "socsec.accounts"
    default_auto_field = "django.db.models.BigAutoField"
