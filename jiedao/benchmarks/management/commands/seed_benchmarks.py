from django.core.management.base import BaseCommand

from jiedao.benchmarks.services import benchmarks_seed


class Command(BaseCommand):
    help = ("Create the sample target titles (美丽宜居示范街道, 省级文明街道) and their criteria, marked as sample "
            "content; idempotent, keeps edited ones.")

    def handle(self, *args, **options):
        seeded = benchmarks_seed()
        self.stdout.write(self.style.SUCCESS(
            f"benchmarks: {seeded.titles} titles and {seeded.criteria} criteria created; "
            f"{seeded.placeholders_waiting} placeholder(s) wait for an inspection or campaign measure"))
