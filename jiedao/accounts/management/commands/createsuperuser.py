"""Django's createsuperuser, but the password must follow the rules (AUTH_PASSWORD_VALIDATORS)
whether typed or given in DJANGO_SUPERUSER_PASSWORD, and "bypass validation" does not help."""

from django.contrib.auth.management.commands import createsuperuser
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from jiedao.accounts.models import CHECK_SUPERUSER_PASSWORD


class Command(createsuperuser.Command):
    def handle(self, *args, **options):
        token = CHECK_SUPERUSER_PASSWORD.set(True)
        try:
            return super().handle(*args, **options)
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        finally:
            CHECK_SUPERUSER_PASSWORD.reset(token)
