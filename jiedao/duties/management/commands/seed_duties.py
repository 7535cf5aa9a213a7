from django.core.management.base import BaseCommand

from jiedao.duties.seeds import duties_seed


class Command(BaseCommand):
    help = "Create the default duty plans (sample values: river chiefs by level, cleaning by grade, assets by class)."

    def handle(self, *args, **options):
        created = duties_seed()
        if options["verbosity"]:
            self.stdout.write(f"duty plans: {created} created")
