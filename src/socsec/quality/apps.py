from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "socsec.quality"
    default_auto_field = "django.db.models.BigAutoField"
