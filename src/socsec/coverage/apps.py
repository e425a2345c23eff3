from django.apps import AppConfig


class CoverageConfig(AppConfig):
    name = "socsec.coverage"
    default_auto_field = "django.db.models.BigAutoField"
