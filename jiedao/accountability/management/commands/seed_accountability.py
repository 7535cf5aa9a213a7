from django.core.management.base import BaseCommand

from jiedao.accountability.services import accountability_rules_seed


class Command(BaseCommand):
    help = "Create the default accountability rules (问责规则); idempotent, keeps edited rules."

    def handle(self, *args, **options):
        created = accountability_rules_seed()
        self.stdout.write(self.style.SUCCESS(f"accountability rules created: {created}"))
