from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "socsec.assistant"
    label = "assistant"
    default_auto_field = "django.db.models.BigAutoField"
