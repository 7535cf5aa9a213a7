from django.core.management.base import BaseCommand

from jiedao.air.seeds import air_seed


class Command(BaseCommand):
    help = "Seed the air-pollution source types, limits (unconfirmed), ban windows and the 油烟净化 checklist."

    def handle(self, *args, **options):
        self.stdout.write(f"air rows written: {air_seed()}")
