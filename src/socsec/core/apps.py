from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "socsec.core"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
        from .lookups import register

        register()  # field__any=[...]
