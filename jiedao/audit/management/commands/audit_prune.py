from django.core.management.base import BaseCommand

from jiedao.audit.models import AuditPolicy
from jiedao.audit.services import security_events_prune


class Command(BaseCommand):
    help = "Delete security log rows older than the retention period (at least 180 days); run it daily."

    def handle(self, *args, **options):
        deleted = security_events_prune()
        self.stdout.write(f"audit_prune: {deleted} rows older than {AuditPolicy.current().retention_days} days deleted")
