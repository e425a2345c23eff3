from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "socsec.transfers"
    default_auto_field = "django.db.models.BigAutoField"
