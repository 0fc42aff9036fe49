from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    label = "users"
    verbose_name = "账户与机构"

    def ready(self):
        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in

        # Signing in saves last_login; that is not a change to audit, so keep it out of the user's history.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(_update_last_login_quietly, dispatch_uid="update_last_login")


def _update_last_login_quietly(sender, user, **kwargs):
    from django.contrib.auth.models import update_last_login

    user.skip_history_when_saving = True
    try:
        update_last_login(sender, user, **kwargs)
    finally:
        del user.skip_history_when_saving
