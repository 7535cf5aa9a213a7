from django.core.management.base import BaseCommand

from jiedao.soil.services import soil_limits_seed


class Command(BaseCommand):
    help = "Seed the land-use classes and soil limits (GB 15618 / GB 36600, unconfirmed); idempotent."

    def handle(self, *args, **options):
        self.stdout.write(f"soil limits written: {soil_limits_seed()}")
