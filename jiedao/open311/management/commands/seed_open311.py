from django.core.management.base import BaseCommand

from jiedao.open311.services import open311_attributes_seed_default


class Command(BaseCommand):
    help = "Create the default Open311 service attributes (占道经营, 私搭乱建, 暴露垃圾) where missing (idempotent)."

    def handle(self, *args, **options):
        created = open311_attributes_seed_default()
        self.stdout.write(self.style.SUCCESS(f"Open311 attributes created: {created}"))
