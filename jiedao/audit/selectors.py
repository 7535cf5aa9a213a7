"""Reading the security log for the auditor's page and its export."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from ipaddress import ip_address

from django.db.models import Q, QuerySet
from django.utils import timezone

from jiedao.params import BadParameter, date_param

from .models import EventKind, Outcome, SecurityEvent


@dataclass(frozen=True)
class EventFilter:
    since: date | None = None
    until: date | None = None
    kind: str = ""
    person: str = ""
    address: str = ""
    outcome: str = ""

    @classmethod
    def from_query(cls, query) -> "EventFilter":
        """From a query string; anything malformed is ignored, never an error page."""
        def day(name: str) -> date | None:
            try:
                return date_param(query, name)
            except BadParameter:  # the filter form's own choice: ignored, like every other nonsense here
                return None

        address = query.get("address", "").strip()[:45]
        try:
            address = str(ip_address(address)) if address else ""
        except ValueError:
            address = ""
        kind = query.get("kind", "")
        outcome = query.get("outcome", "")
        return cls(since=day("since"), until=day("until"),
                   kind=kind if kind in EventKind.values else "",
                   person=query.get("person", "").strip()[:150], address=address,
                   outcome=outcome if outcome in Outcome.values else "")


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def security_events(*, chosen: EventFilter) -> QuerySet[SecurityEvent]:
    """The log as filtered, newest first."""
    events = SecurityEvent.objects.all()
    if chosen.since:
        events = events.filter(at__gte=_start_of(chosen.since))
    if chosen.until:
        events = events.filter(at__lt=_start_of(chosen.until + timedelta(days=1)))
    if chosen.kind:
        events = events.filter(kind=chosen.kind)
    if chosen.person:
        events = events.filter(Q(actor_name__icontains=chosen.person) | Q(target_label__icontains=chosen.person))
    if chosen.address:
        events = events.filter(address=chosen.address)
    if chosen.outcome:
        events = events.filter(outcome=chosen.outcome)
    return events.order_by("-at", "-pk")
