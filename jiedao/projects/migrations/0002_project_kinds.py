"""The kinds of issue 13 point 5, as rows the office extends or switches off in the admin."""

from django.db import migrations

from jiedao.projects.seeds import KINDS


def seed(apps, schema_editor):
    ProjectKind = apps.get_model("projects", "ProjectKind")
    for order, (code, name, group) in enumerate(KINDS, start=1):
        ProjectKind.objects.get_or_create(code=code, defaults={"name": name, "group": group, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
