from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "socsec.benefits"
    default_auto_field = "django.db.models.BigAutoField"
