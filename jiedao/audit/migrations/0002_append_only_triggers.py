from django.db import migrations

from jiedao.audit.guard import guard_install, guard_remove


def install(apps, schema_editor):
    guard_install(schema_editor.connection)


def remove(apps, schema_editor):
    guard_remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_security_log")]

    operations = [migrations.RunPython(install, remove)]
