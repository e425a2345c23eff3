from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "socsec.core"
