from django.core.management.base import BaseCommand, CommandError

from jiedao.cases.errors import InvalidInput
from jiedao.open311.services import open311_client_issue


class Command(BaseCommand):
    help = "Register an Open311 client and print its API key once (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The client system, e.g. '12345 platform'")
        parser.add_argument("--rate-limit", type=int, default=None, help="Submissions per minute (default: none)")

    def handle(self, *args, name, rate_limit, **options):
        try:
            client, key = open311_client_issue(name=name, rate_limit_per_minute=rate_limit)
        except InvalidInput as error:
            raise CommandError(str(error.message)) from error
        self.stderr.write(f"Open311 client {client.name!r} (prefix {client.prefix}). "
                          "Store the key now; it cannot be shown again:")
        self.stdout.write(key)
