from django.core.management.base import BaseCommand

from jiedao.privacy.services import contacts_rekey


class Command(BaseCommand):
    help = ("Re-encrypt residents' contact data with the newest key (the first of JIEDAO_CONTACT_KEYS); "
            "afterwards the older keys can be removed.")

    def handle(self, *args, **options):
        for label, count in contacts_rekey().items():
            self.stdout.write(f"{label}: {count}")
