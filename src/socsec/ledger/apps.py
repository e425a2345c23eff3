from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "socsec.ledger"
    default_auto_field = "django.db.models.BigAutoField"
