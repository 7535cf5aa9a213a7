"""Django's changepassword, as an administrator's reset: the rules apply (Django checks them), the
person must choose their own password at the next sign-in, and the reset is in the security log."""

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import changepassword
from django.db import transaction

from jiedao.accounts.services import password_reset_record


class Command(changepassword.Command):
    def handle(self, *args, **options):
        with transaction.atomic(using=options["database"]):
            message = super().handle(*args, **options)
            user_model = get_user_model()
            username = options["username"] or changepassword.getpass.getuser()
            user = user_model._default_manager.using(options["database"]).get(
                **{user_model.USERNAME_FIELD: username})
            user.must_change_password = True
            user.save(update_fields=["must_change_password"])
            password_reset_record(user=user, by=None, must_change=True, via="changepassword")
        return message
