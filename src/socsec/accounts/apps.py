from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "socsec.accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from . import login_events

        user_logged_in.connect(login_events.on_logged_in, dispatch_uid="socsec.login")
        user_logged_out.connect(login_events.on_logged_out, dispatch_uid="socsec.logout")
        user_login_failed.connect(login_events.on_login_failed, dispatch_uid="socsec.login_failed")
