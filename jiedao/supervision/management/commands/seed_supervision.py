from django.core.management.base import BaseCommand

from jiedao.supervision.services import escalation_steps_seed


class Command(BaseCommand):
    help = "Create the default escalation ladder (standards.md §4.3); idempotent, keeps edited steps."

    def handle(self, *args, **options):
        created = escalation_steps_seed()
        self.stdout.write(self.style.SUCCESS(f"escalation steps created: {created}"))
