from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "socsec.risk"
    default_auto_field = "django.db.models.BigAutoField"
