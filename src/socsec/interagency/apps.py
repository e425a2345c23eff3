from django.apps import AppConfig


class InterAgencyConfig(AppConfig):
    name = "socsec.interagency"
    label = "interagency"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Plug in the pension transfer, and the kinds the settings name (``SOCSEC_INTERAGENCY_KINDS``)."""
        from django.conf import settings
        from django.utils.module_loading import import_string

        from .kinds import kind_register
        from .pension_transfer import PENSION_TRANSFER, PENSION_TRANSFER_COMPLETED

        kind_register(PENSION_TRANSFER)
        kind_register(PENSION_TRANSFER_COMPLETED)
        for path in settings.SOCSEC_INTERAGENCY.get("kinds", []):
            kind_register(import_string(path))
