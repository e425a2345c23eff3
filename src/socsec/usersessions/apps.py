from django.apps import AppConfig


class UserSessionsConfig(AppConfig):
    name = "socsec.usersessions"
    default_auto_field = "django.db.models.BigAutoField"
