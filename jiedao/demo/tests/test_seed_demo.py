"""seed_demo on a small slice of the sample (`--limit`).

The command runs once per module inside a transaction that is rolled back at the end, and each
test runs in a savepoint inside it, so the whole file takes a few seconds instead of one run per
test. (Files of the fix photos go to a temporary MEDIA_ROOT.)"""

import itertools
from datetime import UTC, datetime

import pytest
import shapely
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max
from django.test import override_settings
from django.utils import timezone
from shapely.geometry import Point, shape

from jiedao.cases.models import Case, CaseEvent, CasePhoto, CaseState
from jiedao.demo import geography
from jiedao.demo.replay import CLIENT_KEY_PREFIX, DEMO_LABEL, TimeShift
from jiedao.demo.territory import DEMO_PASSWORD
from jiedao.territory.models import Duty, Role, Unit, UnitLevel

LIMIT = 120


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        # The replay's window ends when the seed starts; on a busy machine the seed may take minutes,
        # so the window is judged from this moment, not from the test's own "now".
        seeded_at = timezone.now()
        call_command("seed_demo", limit=LIMIT, verbosity=0)
        yield seeded_at
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return Unit.objects.get(code=geography.SUBDISTRICT_CODE)


def demo_cases():
    return Case.objects.filter(client_key__startswith=CLIENT_KEY_PREFIX)


def test_the_subdistrict_has_three_areas_six_communities_and_45_grids(demo):
    assert Unit.objects.filter(level=UnitLevel.AREA, path__startswith=demo.path).count() == 3
    assert sorted(Unit.objects.filter(level=UnitLevel.COMMUNITY, path__startswith=demo.path)
                  .values_list("code", "name")) == [
        ("330199001001", "桃源社区"), ("330199001002", "柳岸社区"), ("330199001003", "南湖社区"),
        ("330199001004", "望江社区"), ("330199001005", "石桥村"), ("330199001006", "梅园村"),
    ]
    assert Unit.objects.filter(level=UnitLevel.GRID, path__startswith=demo.path).count() == 45


def test_grid_codes_are_15_digits_unique_and_numbered_inside_their_community(demo):
    grids = list(Unit.objects.filter(level=UnitLevel.GRID, path__startswith=demo.path).select_related("parent"))
    codes = [grid.code for grid in grids]
    assert all(len(code) == 15 and code.isdigit() for code in codes)
    assert len(set(codes)) == 45
    for community_code, group in itertools.groupby(sorted(codes), key=lambda code: code[:12]):
        assert [code[12:] for code in group] == [f"{n:03d}" for n in range(1, len(list(
            code for code in codes if code.startswith(community_code))) + 1)]
    assert all(grid.code.startswith(grid.parent.code) for grid in grids)


def test_villages_are_class_two_and_the_core_class_one(demo):
    classes = dict(Unit.objects.filter(level=UnitLevel.GRID, path__startswith=demo.path)
                   .values_list("code", "grid_class__code"))
    assert {classes[code] for code in classes if code[:12] in ("330199001005", "330199001006")} == {"2"}
    assert {classes[code] for code in classes if code[:12] < "330199001005"} == {"1"}


def test_grids_tile_the_subdistrict_without_gaps_or_overlaps(demo):
    polygons = [shape(boundary) for boundary in Unit.objects.filter(level=UnitLevel.GRID,
                                                                   path__startswith=demo.path)
                .values_list("boundary", flat=True)]
    outline = shape(demo.boundary)
    overlap = sum(a.intersection(b).area for a, b in itertools.combinations(polygons, 2))
    assert overlap < outline.area * 1e-9
    assert sum(polygon.area for polygon in polygons) == pytest.approx(outline.area, rel=1e-9)
    assert shapely.union_all(polygons).symmetric_difference(outline).area < outline.area * 1e-9
    # and the outline is the designed one, up to the 1e-6° snapping
    assert outline.area == pytest.approx(geography.outline().area, rel=1e-4)


def test_each_community_is_one_contiguous_block_of_its_grids(demo):
    for community in Unit.objects.filter(level=UnitLevel.COMMUNITY, path__startswith=demo.path):
        grids = [shape(unit.boundary) for unit in Unit.objects.filter(parent=community)]
        merged = shapely.union_all(grids)
        assert merged.geom_type == "Polygon", community.name
        assert merged.symmetric_difference(shape(community.boundary)).area < merged.area * 1e-9


def test_every_role_has_a_sign_in_with_the_demo_password(demo):
    roles = set(Duty.objects.filter(user__username__in=_demo_usernames()).values_list("role", flat=True))
    assert roles == set(Role.values)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password(DEMO_PASSWORD)
    assert Duty.objects.get(user__username="leader").unit == demo


def test_every_grid_has_a_grid_worker_and_an_inspector(demo):
    grids = Unit.objects.filter(level=UnitLevel.GRID, path__startswith=demo.path)
    for role in (Role.GRID_WORKER, Role.INSPECTOR):
        covered = set(Duty.objects.filter(role=role, unit__in=grids).values_list("unit__code", flat=True))
        assert len(covered) == 45, role


def test_the_gap_report_toward_the_title_has_a_peer_and_reviewed_evidence(demo):
    from jiedao import clock
    from jiedao.benchmarks.models import TargetTitle
    from jiedao.benchmarks.selectors import gap_report, peers_of
    from jiedao.evaluation.periods import period_named

    title = TargetTitle.objects.get(name="美丽宜居示范街道")
    period = period_named("days60", now=timezone.localtime(clock.now()))
    report = gap_report(title=title, period=period, peer=peers_of(title)[0])

    statuses = {row.criterion.name: row.status for row in report.rows if not row.criterion.is_measured}
    assert statuses == {"长效保洁机制": "accepted", "背街小巷整治": "rejected"}
    assert all(row.peer_figure is not None for row in report.rows if row.criterion.is_measured)
    assert report.rows[0].value is not None  # 按期结案率 of the replayed cases


def test_cases_reach_at_least_eight_states_mostly_closed(demo):
    states = list(demo_cases().values_list("state", flat=True))
    assert len(set(states)) >= 8
    assert max(set(states), key=states.count) == CaseState.CLOSED


def test_every_case_lies_in_its_grid(demo):
    for case in demo_cases().select_related("grid"):
        assert shape(case.grid.boundary).covers(Point(case.longitude, case.latitude)), case.number
        assert case.territory_path == case.grid.path


def test_every_case_has_its_events_in_time_order_ending_in_its_state(demo):
    for case in demo_cases().prefetch_related("events"):
        events = sorted(case.events.all(), key=lambda event: event.pk)
        assert events[0].action == "report"
        assert [event.at for event in events] == sorted(event.at for event in events), case.number
        assert events[-1].to_state == case.state


def test_cases_are_labelled_as_generated_from_boston_data(demo):
    assert demo_cases().exclude(description__endswith=DEMO_LABEL).count() == 0


def test_cases_spread_over_the_last_60_days(demo, seeded):
    first = demo_cases().order_by("reported_at").first().reported_at
    assert (seeded - first).days in (58, 59)
    assert demo_cases().filter(reported_at__gt=timezone.now()).count() == 0


def test_running_again_changes_nothing(demo):
    before = _snapshot()

    call_command("seed_demo", verbosity=0)

    assert _snapshot() == before


def test_reset_replays_the_same_requests(demo, seeded):
    keys = set(demo_cases().values_list("client_key", flat=True))

    # at the moment of the first seed: the same window, whatever time the suite has taken since
    with time_machine.travel(seeded, tick=True):
        call_command("seed_demo", reset=True, limit=LIMIT, verbosity=0)

    assert set(demo_cases().values_list("client_key", flat=True)) == keys
    assert demo_cases().order_by("number").first().number.endswith("-000001")


def test_the_time_shift_keeps_weekday_and_hour():
    now = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
    shift = TimeShift.ending_before(now)
    boston = datetime(2015, 12, 30, 9, 15)  # noqa: DTZ001 (Boston wall time)

    local = timezone.localtime(shift.local(boston))

    assert (local.weekday(), local.hour, local.minute) == (boston.weekday(), 9, 15)
    # the 60 days shown end within the sample's last week (the sample runs to the end of 2015)
    assert shift.local(datetime(2015, 12, 25)) < now <= shift.local(datetime(2016, 1, 1))  # noqa: DTZ001


def _demo_usernames() -> list[str]:
    return list(get_user_model().objects.filter(phone__startswith="1380000").values_list("username", flat=True))


def _snapshot() -> dict:
    return {
        "units": Unit.objects.count(),
        "units_updated": Unit.objects.aggregate(last=Max("updated_at"))["last"],
        "users": get_user_model().objects.count(),
        "duties": Duty.objects.count(),
        "cases": Case.objects.count(),
        "cases_updated": Case.objects.aggregate(last=Max("updated_at"))["last"],
        "events": CaseEvent.objects.count(),
        "photos": CasePhoto.objects.count(),
    }
