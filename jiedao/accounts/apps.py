from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jiedao.accounts"
    verbose_name = _("账号")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import sign_in_log
        from .models import SignInPolicy
        from .policy import sign_in_policy_forget

        sign_in_log.connect()
        post_save.connect(sign_in_policy_forget, sender=SignInPolicy, dispatch_uid="sign_in_policy_save")
        post_delete.connect(sign_in_policy_forget, sender=SignInPolicy, dispatch_uid="sign_in_policy_delete")
