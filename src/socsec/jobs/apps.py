from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "socsec.jobs"
    default_auto_field = "django.db.models.BigAutoField"
