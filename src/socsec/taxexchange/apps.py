from django.apps import AppConfig


class TaxExchangeConfig(AppConfig):
    name = "socsec.taxexchange"
    label = "taxexchange"
    default_auto_field = "django.db.models.BigAutoField"
