from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jiedao.accounts"
    verbose_name = _("账号")

    def ready(self):
        from . import sign_in_log

        sign_in_log.connect()
