from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "socsec.benefits"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from socsec.registry.services import register_end_limit

        from .end_limits import claim_limit

        register_end_limit(claim_limit)  # an engagement does not end before a claim's event on it
