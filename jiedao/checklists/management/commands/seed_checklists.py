from django.core.management.base import BaseCommand

from jiedao.checklists.seeds import checklists_seed


class Command(BaseCommand):
    help = ("Create the sample checklists (rural-living, waste-sorting-estate, dust-six, street-appearance), "
            "each published as version 1 and marked as sample content; existing codes are left as they are "
            "(idempotent). Run after seed_catalogue, so items find their categories.")

    def handle(self, *args, **options):
        created = checklists_seed()
        self.stdout.write(self.style.SUCCESS(f"sample checklists created: {created}"))
