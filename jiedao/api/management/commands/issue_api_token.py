from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from jiedao.api.services import TokenError, api_token_issue


class Command(BaseCommand):
    help = "Issue an API key for a user and print it once (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("name", help="What the key is for, e.g. 'field app' or '12345 bridge'")
        parser.add_argument("--days", type=int, default=None,
                            help="Lifetime in days (default: the API token policy's, 90 unless changed)")

    def handle(self, *args, username, name, days=None, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        try:
            token, key = api_token_issue(user=user, name=name, lifetime_days=days)
        except TokenError as error:
            raise CommandError(str(error)) from error
        self.stderr.write(f"API token {token.name!r} for {user.username} (prefix {token.prefix}), "
                          f"valid until {token.expires_at:%Y-%m-%d %H:%M} UTC. "
                          "Store the key now; it cannot be shown again:")
        self.stdout.write(key)
