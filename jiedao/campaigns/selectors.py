"""Reads of a campaign: its progress by community and by key place, day by day, and the cases on
its map. The counting is a few grouped queries (never a loop over cases in Python); the judging
is `progress.py`. What "found" and "done" mean is written there once."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import reduce
from operator import or_

import numpy as np
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet, Sum
from django.db.models.functions import Substr, TruncDate
from django.utils import timezone

from jiedao.cases.models import OPEN_STATES, Case, CaseState
from jiedao.cases.selectors import CasesInReach, cases_in_reach
from jiedao.territory.locator import grid_locator
from jiedao.territory.models import Unit, UnitLevel

from .geometry import GeometryProblem, PlaceMatcher
from .models import Campaign, CampaignLine, EvidenceFigure, KeyPlace, TargetMeasure
from .progress import ZERO, Cell, Tally, completion_of

# ---------------------------------------------------------------- the period read

@dataclass(frozen=True)
class Window:
    """The campaign's period as the queries use it: [start, until), `until` the moment of reading
    (never after the campaign's end); `recent_start` opens a report's window (its day or week)."""

    start: datetime
    until: datetime
    recent_start: datetime
    first_day: date
    last_day: date  # the last day whose figures count (the day `until` falls in)
    recent_first_day: date

    @property
    def has_begun(self) -> bool:
        return self.until > self.start


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def campaign_window(campaign: Campaign, *, until: datetime, recent_start: datetime | None = None) -> Window:
    start = _midnight(campaign.starts_on)
    end = _midnight(campaign.ends_on + timedelta(days=1))
    until = max(min(until, end), start)
    recent_start = max(recent_start or until, start)
    last_day = timezone.localtime(until - timedelta(microseconds=1)).date() if until > start else campaign.starts_on
    return Window(start=start, until=until, recent_start=recent_start, first_day=campaign.starts_on,
                  last_day=min(last_day, campaign.ends_on),
                  recent_first_day=timezone.localtime(recent_start).date())


# The case conditions of progress.py's 口径, for one window.
def _found(window: Window) -> Q:
    return Q(reported_at__gte=window.start, reported_at__lt=window.until) & ~Q(state=CaseState.VOIDED)


def _done(window: Window) -> Q:
    return Q(state=CaseState.CLOSED, closed_at__gte=window.start, closed_at__lt=window.until)


def _conditions(window: Window) -> dict[str, Q]:
    found, done = _found(window), _done(window)
    return {"found": found, "done_cases": done, "open": found & Q(state__in=OPEN_STATES),
            "found_recent": found & Q(reported_at__gte=window.recent_start),
            "done_cases_recent": done & Q(closed_at__gte=window.recent_start)}


def campaign_cases(campaign: Campaign, *, window: Window, item_ids: list[int]) -> QuerySet[Case]:
    """Every case that is found or done in the window for one of the campaign's lines."""
    return (Case.objects.filter(item_id__in=item_ids).filter(_found(window) | _done(window)).order_by())


# ---------------------------------------------------------------- the structure

@dataclass
class Structure:
    lines: list[CampaignLine]
    line_of_item: dict[int, int]  # item id → line id

    @property
    def item_ids(self) -> list[int]:
        return sorted(self.line_of_item)


def campaign_structure(campaign: Campaign) -> Structure:
    lines = list(campaign.lines.select_related("group").prefetch_related("items")
                 .order_by("group__order", "group__pk", "order", "pk"))
    line_of_item = {item.pk: line.pk for line in lines for item in line.items.all()}
    return Structure(lines=lines, line_of_item=line_of_item)


# ---------------------------------------------------------------- progress

@dataclass
class TargetRow:
    target_id: int
    line_id: int
    community_id: int
    community_path: str
    key_place_id: int | None
    measure: str
    value: Decimal
    done: Decimal = ZERO


@dataclass
class PlaceRow:
    """A community or a key place: one cell per line, and the completion of its targets."""

    name: str
    unit: Unit | None = None
    place: KeyPlace | None = None
    cells: dict[int, Cell] = field(default_factory=dict)
    completion: Decimal | None = None

    @property
    def total(self) -> Tally:
        total = Tally()
        for cell in self.cells.values():
            total.add(cell.tally)
        return total

    @property
    def has_targets(self) -> bool:
        return any(cell.count_target is not None or cell.quantity_target is not None for cell in self.cells.values())


@dataclass
class LineRow:
    line: CampaignLine
    cell: Cell
    completion: Decimal | None


@dataclass
class CampaignProgress:
    campaign: Campaign
    level: Unit
    window: Window
    lines: list[CampaignLine]
    line_rows: list[LineRow]
    communities: list[PlaceRow]
    key_places: list[PlaceRow]
    targets: list[TargetRow]
    completion: Decimal | None
    place_case_ids: set[int]  # cases counted for a key place (some may lie outside the level's grids)
    place_open_case_ids: set[int]  # those of them still open

    @property
    def total(self) -> Tally:
        total = Tally()
        for row in self.communities:
            total.add(row.total)
        return total

    def quantity_done(self) -> list[tuple[CampaignLine, Decimal]]:
        return [(row.line, row.cell.tally.quantity) for row in self.line_rows if row.line.quantity_unit]


def targets_completion(targets: list[TargetRow], *, within: Unit | None = None,
                       line_id: int | None = None) -> Decimal | None:
    """The completion of the targets under `within` (all, when None), of one line or all of them:
    progress.completion_of over (done, target) pairs."""
    return completion_of((row.done, row.value) for row in targets
                         if (within is None or row.community_path.startswith(within.path))
                         and (line_id is None or row.line_id == line_id))


def _community_tallies(structure: Structure, communities: list[Unit], level: Unit,
                       window: Window) -> dict[tuple[int, int], Tally]:
    """(community id, line id) → tally of cases, from one grouped query per length of community
    path (one in practice: codes have fixed lengths)."""
    tallies: dict[tuple[int, int], Tally] = defaultdict(Tally)
    if not communities or not structure.item_ids or not window.has_begun:
        return tallies
    by_path = {community.path: community.pk for community in communities}
    conditions = _conditions(window)
    counts = {name: Count("id", filter=condition) for name, condition in conditions.items()}
    cases = (Case.objects.filter(item_id__in=structure.item_ids, territory_path__startswith=level.path)
             .filter(_found(window) | _done(window)).order_by())
    for length in sorted({len(path) for path in by_path}):
        grouped = (cases.annotate(prefix=Substr("territory_path", 1, length))
                   .values("prefix", "item_id").annotate(**counts).order_by())
        for row in grouped:
            community_id = by_path.get(row["prefix"])
            line_id = structure.line_of_item.get(row["item_id"])
            if community_id is None or line_id is None:
                continue
            tally = tallies[(community_id, line_id)]
            for name in conditions:
                setattr(tally, name, getattr(tally, name) + row[name])
    return tallies


def _place_matchers(places: list[KeyPlace]) -> dict[int, PlaceMatcher]:
    matchers = {}
    for place in places:
        try:
            matchers[place.pk] = PlaceMatcher.of(place.geometry, place.buffer_m)
        except GeometryProblem:
            continue  # saved before the rules held, or edited around them: it matches nothing
    return matchers


def _place_tallies(structure: Structure, places: list[KeyPlace], window: Window
                   ) -> tuple[dict[tuple[int, int], Tally], set[int], set[int]]:
    """(key place id, line id) → tally of cases, the ids of the cases counted and of those still
    open: one query for the cases in the grids the places touch, then a vectorised point-in-place
    test per place."""
    tallies: dict[tuple[int, int], Tally] = defaultdict(Tally)
    matched: set[int] = set()
    still_open: set[int] = set()
    matchers = _place_matchers(places)
    if not matchers or not structure.item_ids or not window.has_begun:
        return tallies, matched, still_open
    # The cases of a place lie in the grids its zone touches (a case is always in a grid): their
    # index finds them, where the coordinates have none.
    locator = grid_locator()
    grid_ids = sorted({grid for matcher in matchers.values() for grid in locator.grids_intersecting(matcher.zone_lonlat)})
    if not grid_ids:
        return tallies, matched, still_open
    boxes = reduce(or_, (Q(longitude__gte=m.bounds[0], longitude__lte=m.bounds[2],
                           latitude__gte=m.bounds[1], latitude__lte=m.bounds[3]) for m in matchers.values()))
    conditions = _conditions(window)
    flags = {name: ExpressionWrapper(condition, output_field=BooleanField()) for name, condition in conditions.items()}
    rows = list(Case.objects.filter(grid_id__in=grid_ids, item_id__in=structure.item_ids)
                .filter(_found(window) | _done(window)).filter(boxes).order_by().annotate(**flags)
                .values_list("pk", "longitude", "latitude", "item_id", *conditions))
    if not rows:
        return tallies, matched, still_open
    columns = list(zip(*rows, strict=True))
    ids = np.array(columns[0], dtype=np.int64)
    longitudes = np.array(columns[1], dtype=float)
    latitudes = np.array(columns[2], dtype=float)
    lines = [line.pk for line in structure.lines]
    index_of_line = {line_id: index for index, line_id in enumerate(lines)}
    line_index = np.array([index_of_line[structure.line_of_item[item]] for item in columns[3]], dtype=np.int64)
    flag_values = {name: np.array(columns[4 + position], dtype=np.int64)
                   for position, name in enumerate(conditions)}
    for place_id, matcher in matchers.items():
        inside = matcher.holds(longitudes, latitudes)
        if not inside.any():
            continue
        matched.update(ids[inside].tolist())
        still_open.update(ids[inside & (flag_values["open"] == 1)].tolist())
        sums = {name: np.bincount(line_index[inside], weights=values[inside], minlength=len(lines))
                for name, values in flag_values.items()}
        for position, line_id in enumerate(lines):
            tally = tallies[(place_id, line_id)]
            for name in conditions:
                setattr(tally, name, int(sums[name][position]))
    return tallies, matched, still_open


def _figure_tallies(campaign: Campaign, level: Unit, window: Window
                    ) -> tuple[dict[tuple[int, int], Tally], dict[tuple[int, int], Tally]]:
    """Evidence figures dated in the window: by (community, line) and by (key place, line)."""
    by_community: dict[tuple[int, int], Tally] = defaultdict(Tally)
    by_place: dict[tuple[int, int], Tally] = defaultdict(Tally)
    if not window.has_begun:
        return by_community, by_place
    recent = Q(on_date__gte=window.recent_first_day)
    rows = (EvidenceFigure.objects.filter(campaign=campaign, community__path__startswith=level.path,
                                          on_date__gte=window.first_day, on_date__lte=window.last_day)
            .order_by().values("community_id", "key_place_id", "line_id")
            .annotate(counted=Sum("count"), measured=Sum("quantity"), counted_recent=Sum("count", filter=recent),
                      measured_recent=Sum("quantity", filter=recent)))
    for row in rows:
        tally = Tally(figure_count=row["counted"] or 0, quantity=row["measured"] or ZERO,
                      figure_count_recent=row["counted_recent"] or 0, quantity_recent=row["measured_recent"] or ZERO)
        by_community[(row["community_id"], row["line_id"])].add(tally)
        if row["key_place_id"] is not None:
            by_place[(row["key_place_id"], row["line_id"])].add(tally)
    return by_community, by_place


def communities_under(level: Unit) -> list[Unit]:
    if level.level == UnitLevel.COMMUNITY:
        return [level]
    return list(Unit.objects.filter(level=UnitLevel.COMMUNITY, is_active=True, path__startswith=level.path)
                .order_by("path"))


def campaign_progress(*, campaign: Campaign, level: Unit, until: datetime,
                      recent_start: datetime | None = None) -> CampaignProgress:
    """Target against done at `level` (a unit within the campaign's scope), by line, by community
    and by key place, as of `until`; `recent_start` adds the counts since then (a report's day or
    week)."""
    window = campaign_window(campaign, until=until, recent_start=recent_start)
    structure = campaign_structure(campaign)
    communities = communities_under(level)
    places = list(campaign.key_places.filter(is_active=True, community__path__startswith=level.path)
                  .select_related("community").prefetch_related("owners").order_by("community__path", "kind", "name"))
    case_tallies = _community_tallies(structure, communities, level, window)
    place_tallies, place_case_ids, place_open_case_ids = _place_tallies(structure, places, window)
    figures_by_community, figures_by_place = _figure_tallies(campaign, level, window)

    community_rows = {unit.pk: PlaceRow(name=unit.name, unit=unit) for unit in communities}
    place_rows = {place.pk: PlaceRow(name=place.name, unit=place.community, place=place) for place in places}
    for rows, tallies in ((community_rows, [case_tallies, figures_by_community]),
                          (place_rows, [place_tallies, figures_by_place])):
        for key, row in rows.items():
            for line in structure.lines:
                cell = Cell()
                for source in tallies:
                    if (key, line.pk) in source:
                        cell.tally.add(source[(key, line.pk)])
                row.cells[line.pk] = cell

    targets = []
    target_rows = (campaign.targets.filter(unit__path__startswith=level.path)
                   .values_list("pk", "line_id", "unit_id", "unit__path", "key_place_id", "measure", "value"))
    for pk, line_id, unit_id, path, key_place_id, measure, value in target_rows:
        row = place_rows.get(key_place_id) if key_place_id else community_rows.get(unit_id)
        if row is None or line_id not in row.cells:
            continue  # an inactive place or community, or a line since removed
        cell = row.cells[line_id]
        if measure == TargetMeasure.QUANTITY:
            cell.quantity_target = value
        else:
            cell.count_target = value
        targets.append(TargetRow(target_id=pk, line_id=line_id, community_id=unit_id, community_path=path,
                                 key_place_id=key_place_id, measure=measure, value=value,
                                 done=cell.tally.value(measure)))

    pairs_of_community: dict[int, list] = defaultdict(list)
    for row in targets:
        pairs_of_community[row.community_id].append((row.done, row.value))
    for key, row in community_rows.items():
        row.completion = completion_of(pairs_of_community[key])  # = targets_completion(targets, within=row.unit)
    for row in place_rows.values():
        row.completion = completion_of(pair for cell in row.cells.values() for pair in cell.pairs)

    line_rows = []
    for line in structure.lines:
        cell = Cell()
        for row in community_rows.values():
            part = row.cells[line.pk]
            cell.tally.add(part.tally)
            for name in ("count_target", "quantity_target"):
                value = getattr(part, name)
                if value is not None:
                    setattr(cell, name, (getattr(cell, name) or ZERO) + value)
        line_rows.append(LineRow(line=line, cell=cell, completion=targets_completion(targets, line_id=line.pk)))
    return CampaignProgress(
        campaign=campaign, level=level, window=window, lines=structure.lines, line_rows=line_rows,
        communities=list(community_rows.values()), key_places=list(place_rows.values()), targets=targets,
        completion=targets_completion(targets), place_case_ids=place_case_ids,
        place_open_case_ids=place_open_case_ids,
    )


def laggards(rows: list[PlaceRow], *, count: int = 3) -> list[PlaceRow]:
    """The rows with targets and the lowest completion, lowest first."""
    scored = [row for row in rows if row.completion is not None]
    return sorted(scored, key=lambda row: (row.completion, row.name))[:count]


# ---------------------------------------------------------------- the trend

@dataclass(frozen=True)
class TrendDay:
    day: date
    found: int
    done_by_group: dict[int, int]  # group id → done that day (cases closed + figure counts)

    @property
    def done(self) -> int:
        return sum(self.done_by_group.values())


def campaign_trend(*, campaign: Campaign, level: Unit, until: datetime) -> list[TrendDay]:
    """Day by day at `level`: cases found, and work done per group (三清/三拆/三整治), from one
    grouped read of the cases (by category, day reported, day closed) and one of the figures."""
    window = campaign_window(campaign, until=until)
    if not window.has_begun:
        return []
    structure = campaign_structure(campaign)
    group_of_line = {line.pk: line.group_id for line in structure.lines}
    found: dict[date, int] = defaultdict(int)
    done: dict[date, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    rows = (Case.objects.filter(item_id__in=structure.item_ids, territory_path__startswith=level.path)
            .filter(_found(window) | _done(window)).order_by()
            .annotate(reported_day=TruncDate("reported_at"), closed_day=TruncDate("closed_at"),
                      is_found=ExpressionWrapper(_found(window), output_field=BooleanField()),
                      is_done=ExpressionWrapper(_done(window), output_field=BooleanField()))
            .values("item_id", "reported_day", "closed_day", "is_found", "is_done").annotate(n=Count("id")))
    for row in rows:
        if row["is_found"]:
            found[row["reported_day"]] += row["n"]
        if row["is_done"]:
            done[row["closed_day"]][group_of_line[structure.line_of_item[row["item_id"]]]] += row["n"]
    for row in (EvidenceFigure.objects.filter(campaign=campaign, community__path__startswith=level.path,
                                              on_date__gte=window.first_day, on_date__lte=window.last_day)
                .values("on_date", "line_id").annotate(n=Sum("count")).order_by()):
        if row["line_id"] in group_of_line:
            done[row["on_date"]][group_of_line[row["line_id"]]] += row["n"] or 0
    days = []
    day = window.first_day
    while day <= window.last_day:
        days.append(TrendDay(day=day, found=found.get(day, 0), done_by_group=dict(done.get(day, {}))))
        day += timedelta(days=1)
    return days


# ---------------------------------------------------------------- the map

MAP_POINTS = 1500


@dataclass(frozen=True)
class CampaignMapCases:
    points: list[dict]
    hidden_count: int


def campaign_map_cases(*, user, progress: CampaignProgress) -> CampaignMapCases:
    """The work left on the map: the campaign's cases found at the level (in its grids or in its key
    places) and still open; the ones the reader may open as points, newest first, the others only
    counted (`cases_in_reach`). What is done is in the tables."""
    item_ids = [item.pk for line in progress.lines for item in line.items.all()]
    if not progress.window.has_begun or not item_ids:
        return CampaignMapCases(points=[], hidden_count=0)
    where = Q(territory_path__startswith=progress.level.path)
    if progress.place_open_case_ids:
        where |= Q(pk__in=sorted(progress.place_open_case_ids))
    cases = (Case.objects.filter(item_id__in=item_ids, state__in=OPEN_STATES).filter(_found(progress.window))
             .filter(where).order_by())
    reach: CasesInReach = cases_in_reach(user=user, cases=cases)
    points = [{"number": number, "lon": lon, "lat": lat}
              for number, lon, lat in reach.visible.order_by("-reported_at")
              .values_list("number", "longitude", "latitude")[:MAP_POINTS]]
    return CampaignMapCases(points=points, hidden_count=reach.hidden_count)


def key_places_geojson(places: list[PlaceRow]) -> dict:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": row.place.geometry,
         "properties": {"name": row.place.name, "kind": row.place.kind, "label": row.place.get_kind_display(),
                        "completion": float(row.completion) if row.completion is not None else None}}
        for row in places]}


# ---------------------------------------------------------------- lists

def campaigns_readable(*, user) -> list[tuple[Campaign, list[Unit]]]:
    """The active campaigns this person reads, each with their tops in it, newest first."""
    from .access import campaign_tops

    readable = []
    for campaign in Campaign.objects.filter(is_active=True).select_related("scope").order_by("-starts_on", "code"):
        tops = campaign_tops(user=user, campaign=campaign)
        if tops:
            readable.append((campaign, tops))
    return readable


def figures_recent(*, campaign: Campaign, level: Unit, user, limit: int = 20) -> list[EvidenceFigure]:
    """The latest evidence figures under `level`. A figure's linked case is named only to a reader
    who may open it (`cases_in_reach`); for the others `case_out_of_reach` is set instead."""
    figures = list(EvidenceFigure.objects.filter(campaign=campaign, community__path__startswith=level.path)
                   .select_related("line", "community", "key_place", "case", "entered_by")
                   .prefetch_related("photos").order_by("-on_date", "-pk")[:limit])
    case_ids = {figure.case_id for figure in figures if figure.case_id}
    reach = cases_in_reach(user=user, cases=Case.objects.filter(pk__in=case_ids))
    visible = set(reach.visible.values_list("pk", flat=True)) if case_ids else set()
    for figure in figures:
        figure.case_out_of_reach = bool(figure.case_id) and figure.case_id not in visible
    return figures
