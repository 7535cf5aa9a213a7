"""The notice sweep starts after the events that exist when the portal is installed: nobody
followed anything before, and reading years of history would only delay the first notices."""

from django.db import migrations
from django.db.models import Max


def start_cursor(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    FollowCursor = apps.get_model("portal", "FollowCursor")
    last = CaseEvent.objects.aggregate(last=Max("id"))["last"] or 0
    FollowCursor.objects.update_or_create(pk=1, defaults={"last_event_id": last})


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0001_initial"),
        ("cases", "0006_public_updates_merge_rating"),
    ]

    operations = [
        migrations.RunPython(start_cursor, migrations.RunPython.noop),
    ]
