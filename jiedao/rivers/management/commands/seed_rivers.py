from django.core.management.base import BaseCommand

from jiedao.rivers.seeds import rivers_seed


class Command(BaseCommand):
    help = "Seed the river chief system's sample patrol rules and patrol checklist (idempotent)."

    def handle(self, *args, **options):
        created = rivers_seed()
        if options["verbosity"]:
            self.stdout.write(f"rivers: {created} sample rows created")
