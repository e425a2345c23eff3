from django.apps import AppConfig


class InterAgencyConfig(AppConfig):
    name = "socsec.interagency"
    label = "interagency"
    default_auto_field = "django.db.models.BigAutoField"
