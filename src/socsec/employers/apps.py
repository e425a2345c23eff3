from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "socsec.employers"
    default_auto_field = "django.db.models.BigAutoField"
