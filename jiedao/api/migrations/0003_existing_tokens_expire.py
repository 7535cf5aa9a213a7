"""Tokens issued before tokens expired get the default lifetime, counted from this upgrade (so
that no script stops the day it is deployed; their owners have 90 days to replace them)."""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone

DEFAULT_TOKEN_LIFETIME_DAYS = 90


def give_expiry(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    ApiToken.objects.filter(expires_at=None).update(
        expires_at=timezone.now() + timedelta(days=DEFAULT_TOKEN_LIFETIME_DAYS))


class Migration(migrations.Migration):
    dependencies = [("api", "0002_token_expiry_and_keyed_reports")]

    operations = [migrations.RunPython(give_expiry, migrations.RunPython.noop)]
