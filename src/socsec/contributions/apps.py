from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "socsec.contributions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from socsec.registry.services import register_end_limit

        from .orders.end_limits import last_order_limit

        register_end_limit(last_order_limit)  # an engagement does not end before its last order
