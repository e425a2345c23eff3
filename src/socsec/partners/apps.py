from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "socsec.partners"
    default_auto_field = "django.db.models.BigAutoField"
