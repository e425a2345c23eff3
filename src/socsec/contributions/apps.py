from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "socsec.contributions"
    default_auto_field = "django.db.models.BigAutoField"
