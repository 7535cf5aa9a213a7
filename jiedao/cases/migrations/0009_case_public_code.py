# Every case gets the unguessable code of its public page (/p/c/<code>/), so the portal cannot be walked by number.

import secrets

from django.db import migrations, models

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # as cases.services.TRACKING_ALPHABET


def give_codes(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    for pk in Case.objects.filter(public_code__isnull=True).values_list("pk", flat=True).iterator():
        Case.objects.filter(pk=pk).update(public_code="".join(secrets.choice(ALPHABET) for _ in range(10)))


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_contact_encrypt_existing'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='public_code',
            field=models.CharField(blank=True, editable=False, max_length=12, null=True, unique=True, verbose_name='公开页代码'),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop),
    ]
