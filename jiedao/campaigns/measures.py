"""What benchmarking (对标创建) reads from the campaigns: each active campaign's completion of its
targets, as a whole (`campaign:<code>`) and per line (`campaign:<code>:<line code>`), for any
units, as `evaluation.measures.Measure`s (listed there in `CONTRIBUTED`). The figure is the
campaign page's (`selectors.targets_completion`, `progress.completion_of`)."""

from datetime import date, datetime, time, timedelta
from functools import partial

from django.utils import timezone
from django.utils.translation import gettext as _

from jiedao.evaluation.measures import PERCENT, Measure, Values
from jiedao.territory.models import Unit

from .models import Campaign
from .selectors import campaign_progress, targets_completion


def _moment(end: date | datetime) -> datetime:
    """The end of the window as an instant: a datetime as it is (exclusive), a date as the end of
    that day (inclusive)."""
    if isinstance(end, datetime):
        return end
    return datetime.combine(end + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone())


def campaign_completion(units: list[Unit], start: date | datetime, end: date | datetime, *, campaign_id: int,
                        line_id: int | None = None) -> Values:
    """Completion (%) of the campaign's targets under each unit as of `end` (a campaign's progress
    is cumulative from its start, so `start` only decides whether the window meets the campaign at
    all); None for a unit with no target, or a window that ends before the campaign begins or
    begins after it ended."""
    campaign = Campaign.objects.select_related("scope").filter(pk=campaign_id).first()
    empty = {unit.pk: None for unit in units}
    if campaign is None:
        return empty
    until = _moment(end)
    first = timezone.localtime(start).date() if isinstance(start, datetime) else start
    begins = datetime.combine(campaign.starts_on, time.min, tzinfo=timezone.get_current_timezone())
    if until <= begins or first > campaign.ends_on:
        return empty
    progress = campaign_progress(campaign=campaign, level=campaign.scope, until=until)
    values = {}
    for unit in units:
        if campaign.scope.path.startswith(unit.path):  # the unit holds the whole campaign
            values[unit.pk] = targets_completion(progress.targets, line_id=line_id)
        elif unit.path.startswith(campaign.scope.path):
            values[unit.pk] = targets_completion(progress.targets, within=unit, line_id=line_id)
        else:
            values[unit.pk] = None
    return values


def campaign_measures() -> list[Measure]:
    """One measure per active campaign and one per line of it."""
    measures = []
    for campaign in Campaign.objects.filter(is_active=True).prefetch_related("lines__group").order_by("code"):
        measures.append(Measure(
            key=f"campaign:{campaign.code}", label=_("%(name)s · 目标完成率") % {"name": campaign.name}, unit=PERCENT,
            higher_is_better=True, reader=partial(campaign_completion, campaign_id=campaign.pk)))
        for line in sorted(campaign.lines.all(), key=lambda line: (line.group.order, line.order, line.pk)):
            measures.append(Measure(
                key=f"campaign:{campaign.code}:{line.code}",
                label=_("%(name)s · %(line)s完成率") % {"name": campaign.name, "line": line.name}, unit=PERCENT,
                higher_is_better=True, reader=partial(campaign_completion, campaign_id=campaign.pk, line_id=line.pk)))
    return measures
