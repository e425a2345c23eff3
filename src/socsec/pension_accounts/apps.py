from django.apps import AppConfig


class PensionAccountsConfig(AppConfig):
    name = "socsec.pension_accounts"
    default_auto_field = "django.db.models.BigAutoField"
