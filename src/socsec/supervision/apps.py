from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "socsec.supervision"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .alerts import register_channel
        from .notices import tell_supervisors

        register_channel(tell_supervisors)  # the alerts reach the supervisors through the notification outbox
