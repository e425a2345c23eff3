from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "socsec.registry"
    default_auto_field = "django.db.models.BigAutoField"
