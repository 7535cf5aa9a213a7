from django.core.management.base import BaseCommand

from jiedao.catalogue.services import (
    case_rules_load_default,
    catalogue_load_local_extensions,
    catalogue_load_standard,
)
from jiedao.territory.services import organisations_seed_default


class Command(BaseCommand):
    help = "Load the default departments, the GB/T 47678.5 catalogue, the local extensions and the default case rules (idempotent)."

    def handle(self, *args, **options):
        departments = organisations_seed_default()
        standard = catalogue_load_standard()
        local = catalogue_load_local_extensions()
        rules = case_rules_load_default()
        self.stdout.write(self.style.SUCCESS(
            f"departments created: {departments}; standard rows: {standard}; local rows: {local}; "
            f"case rules created: {rules}"
        ))
