from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "jxjy_portal.users"
    label = "users"
    verbose_name = "账户与机构"
