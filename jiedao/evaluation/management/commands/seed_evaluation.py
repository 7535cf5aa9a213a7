from django.core.management.base import BaseCommand

from jiedao.evaluation.services import evaluation_seed_defaults


class Command(BaseCommand):
    help = (
        "Create the default scoring schemes and grades of standards.md §3.3 (idempotent; edits are kept). "
        "Open question: the region weight of 按期结案率 is written ×10% in the source, which sums to 70%; "
        "×40% is used until checked against GB/T 30428.4."
    )

    def handle(self, *args, **options):
        schemes, grades = evaluation_seed_defaults()
        self.stdout.write(self.style.SUCCESS(f"scoring schemes created: {schemes}; grades created: {grades}"))
        self.stdout.write("Note: region 按期结案率 weight ×40% (source says ×10%, sum 70%); see standards.md §3.3.")
