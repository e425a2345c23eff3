from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "socsec.benefits"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import awards  # noqa: F401 - registers the award rules of each kind of claim
