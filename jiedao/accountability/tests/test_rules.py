"""Each accountability rule: one case that fires, one just under the threshold. Cases are driven
through the real case services under a frozen clock."""

import math
from datetime import date, datetime, timedelta

import pytest

from jiedao.accountability.models import EvidenceRole, Finding, RuleCode
from jiedao.accountability.rules import EARTH_RADIUS_METRES, _Point, distance_metres, repeat_pairs
from jiedao.cases import services
from jiedao.cases.models import CaseEvent, CaseState, ClosureType
from jiedao.conftest import SHANGHAI, grid_centre, report, walk_to

from .conftest import fail_check, refresh, report_fix, return_case

pytestmark = pytest.mark.django_db

METRES_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_METRES / 180


def findings(code):
    return Finding.objects.filter(rule__code=code)


def evidence_of(finding):
    return sorted((row.case_id, row.role) for row in finding.evidence.all())


# ---------------------------------------------------------------- 推诿扯皮: returns

def bounce(world, clock, *, times):
    """A case dispatched alternately to 环卫所 and 城管执法中队, each of which returns it."""
    p = world.people
    case = walk_to(world, report(world), "handling")
    departments = [(world.cleaning, p.handler), (world.enforcement, p.other_handler)]
    for index in range(times):
        department, handler = departments[index % 2]
        if index:
            case = services.case_dispatch(case=case, by=p.dispatcher, department=department)
        clock.shift(timedelta(minutes=30))
        case = return_case(world, case, handler=handler)
    return case


def test_returns_fire_above_the_limit_against_every_returning_department(world, clock, rules):
    case = bounce(world, clock, times=3)

    refresh()

    assert case.return_count == 3
    cleaning = findings(RuleCode.RETURNS).get(subject_organisation=world.cleaning)
    enforcement = findings(RuleCode.RETURNS).get(subject_organisation=world.enforcement)
    assert findings(RuleCode.RETURNS).count() == 2
    assert evidence_of(cleaning) == [(case.pk, EvidenceRole.RETURNED)]
    assert cleaning.facts == {"cases": 1, "returns": 2, "limit": 2}
    assert enforcement.facts == {"cases": 1, "returns": 1, "limit": 2}
    assert cleaning.summary == "环卫所：1 件案件回退均超过 2 次，本单位回退 2 次"
    assert cleaning.proposed_measure == "bulletin"
    assert cleaning.kind == "buck_passing"


def test_returns_at_the_limit_do_not_fire(world, clock, rules):
    bounce(world, clock, times=2)

    refresh()

    assert findings(RuleCode.RETURNS).count() == 0


# ---------------------------------------------------------------- 敷衍塞责: rework and failed checks

def test_rework_fires_against_the_fixing_department(world, clock, rules):
    case = walk_to(world, report(world), "fixed")
    clock.shift(timedelta(hours=1))
    fail_check(world, case)

    refresh()

    finding = findings(RuleCode.REWORK).get()
    assert finding.subject_organisation == world.cleaning
    assert evidence_of(finding) == [(case.pk, EvidenceRole.REWORKED)]
    assert finding.facts == {"cases": 1, "reworks": 1}


def test_a_passed_check_is_no_rework(world, clock, rules):
    walk_to(world, report(world), "closed")

    refresh()

    assert findings(RuleCode.REWORK).count() == 0


def test_failed_checks_fire_against_the_person_at_the_threshold(world, clock, rules):
    case = walk_to(world, report(world), "fixed")
    fail_check(world, case)
    clock.shift(timedelta(hours=1))
    case = report_fix(world, case)
    fail_check(world, case)

    refresh()

    finding = findings(RuleCode.FAILED_CHECK).get()
    assert finding.subject_person == world.people.handler
    assert finding.subject_organisation is None
    assert evidence_of(finding) == [(case.pk, EvidenceRole.FAILED_CHECK)]
    assert finding.facts == {"cases": 1, "failed": 2}
    assert finding.proposed_measure == "interview"


def test_one_failed_check_is_under_the_personal_threshold(world, clock, rules):
    fail_check(world, walk_to(world, report(world), "fixed"))

    refresh()

    assert findings(RuleCode.FAILED_CHECK).count() == 0
    assert findings(RuleCode.REWORK).count() == 1


# ---------------------------------------------------------------- 敷衍塞责: repeat points

def closed_case_and_report_again(world, clock, *, metres_north, item=None, after=timedelta(days=1)):
    earlier = walk_to(world, report(world), "closed")
    clock.shift(after)
    lon, lat = grid_centre(0)
    again = report(world, item=item or world.item, longitude=lon, latitude=lat + metres_north / METRES_PER_DEGREE_LAT)
    return earlier, again


def test_a_repeat_at_30_metres_fires_against_the_department_that_closed_it(world, clock, rules):
    earlier, again = closed_case_and_report_again(world, clock, metres_north=30)

    refresh()

    finding = findings(RuleCode.REPEAT_POINT).get()
    assert finding.subject_organisation == world.cleaning
    assert evidence_of(finding) == [(earlier.pk, EvidenceRole.EARLIER), (again.pk, EvidenceRole.REPEAT)]
    assert finding.facts == {"cases": 1, "radius": 50, "days": 30}


def test_a_report_at_80_metres_is_no_repeat(world, clock, rules):
    closed_case_and_report_again(world, clock, metres_north=80)

    refresh()

    assert findings(RuleCode.REPEAT_POINT).count() == 0


def test_another_category_at_the_same_spot_is_no_repeat(world, clock, rules):
    closed_case_and_report_again(world, clock, metres_north=0, item=world.no_rule_item)

    refresh()

    assert findings(RuleCode.REPEAT_POINT).count() == 0


def test_a_report_31_days_after_closure_is_no_repeat(world, clock, rules):
    closed_case_and_report_again(world, clock, metres_north=10, after=timedelta(days=31))

    refresh(start=date(2026, 12, 1), end=date(2026, 12, 31))
    refresh()

    assert findings(RuleCode.REPEAT_POINT).count() == 0


def test_a_report_29_days_after_closure_is_a_repeat_of_the_earlier_period(world, clock, rules):
    earlier, again = closed_case_and_report_again(world, clock, metres_north=10, after=timedelta(days=29))

    refresh(start=date(2026, 12, 1), end=date(2026, 12, 31))

    assert evidence_of(findings(RuleCode.REPEAT_POINT).get()) == [
        (earlier.pk, EvidenceRole.EARLIER), (again.pk, EvidenceRole.REPEAT)]


def test_distance_is_the_great_circle_distance():
    assert distance_metres(120.0, 30.0, 120.0, 31.0) == pytest.approx(METRES_PER_DEGREE_LAT, rel=1e-9)
    # one degree of longitude at 30°N by the spherical law of cosines: 96 297.46 m (a little under the
    # 96 297.76 m along the parallel)
    assert distance_metres(120.0, 30.0, 121.0, 30.0) == pytest.approx(96_297.46, abs=0.01)


def test_repeat_pairs_look_only_at_neighbouring_cells():
    closed_at = datetime(2026, 11, 2, 10, tzinfo=SHANGHAI)
    step = 40 / METRES_PER_DEGREE_LAT  # 40 m between neighbours on a line going north
    closed = [_Point(pk, 1, 120.1, 30.2 + pk * step, closed_at) for pk in range(1000)]
    new = _Point(5000, 1, 120.1, 30.2 + 500 * step + 0.5 * step, closed_at + timedelta(days=1))

    pairs = repeat_pairs(closed=closed, reported=[new], radius_metres=50, within=timedelta(days=30))

    assert sorted(old.pk for old, _new in pairs) == [500, 501]


# ---------------------------------------------------------------- 落实不力: overdue

def overdue_cases(world, clock, *, open_count, closed_count):
    """Cases dispatched on Tuesday 09:00 (4 工作时 → due 14:30); the next morning some are still open
    and some are fixed late and closed 超时结案."""
    handling = [walk_to(world, report(world), "handling") for _ in range(open_count + closed_count)]
    clock.shift(timedelta(days=1))
    closed = []
    for case in handling[open_count:]:
        case = report_fix(world, case)
        case = services.case_check(case=case, by=world.people.inspector, passed=True)
        closed.append(services.case_close(case=case, by=world.people.shift_lead))
    return handling[:open_count], closed


def test_three_overdue_cases_of_a_department_fire(world, clock, rules):
    still_open, closed = overdue_cases(world, clock, open_count=2, closed_count=1)

    refresh()

    finding = findings(RuleCode.OVERDUE).get()
    assert closed[0].closure_type == ClosureType.OVERDUE
    assert finding.subject_organisation == world.cleaning
    assert evidence_of(finding) == [(still_open[0].pk, EvidenceRole.OPEN_OVERDUE),
                                    (still_open[1].pk, EvidenceRole.OPEN_OVERDUE),
                                    (closed[0].pk, EvidenceRole.CLOSED_OVERDUE)]
    assert finding.facts == {"cases": 3, "closed": 1, "open": 2}
    assert finding.summary == "环卫所：超期案件 3 件（超时结案 1 件，超期未处置 2 件）"


def test_two_overdue_cases_are_under_the_threshold(world, clock, rules):
    overdue_cases(world, clock, open_count=1, closed_count=1)
    walk_to(world, report(world), "handling")  # dispatched now: not overdue yet

    refresh()

    assert findings(RuleCode.OVERDUE).count() == 0


def test_a_suspended_case_is_paused_not_overdue(world, clock, rules):
    still_open, _closed = overdue_cases(world, clock, open_count=2, closed_count=1)
    p = world.people
    services.case_request(case=still_open[0], by=p.handler, kind="suspension", reason="等待产权单位确认")
    services.case_decide_request(case=still_open[0], by=p.dispatcher, approve=True)

    refresh()

    assert findings(RuleCode.OVERDUE).count() == 0  # two overdue left, under the threshold of three


# ---------------------------------------------------------------- 落实不力: 督办 ignored

def supervised_case(world, clock):
    case = walk_to(world, report(world), "handling")
    CaseEvent.objects.create(case=case, action="escalate", from_state=CaseState.HANDLING,
                             to_state=CaseState.HANDLING, at=datetime(2026, 11, 17, 10, tzinfo=SHANGHAI),
                             actor_role="system", data={"step": "supervise"})
    return case


def test_supervision_ignored_for_three_working_days_fires(world, clock, rules):
    case = supervised_case(world, clock)
    clock.move_to(datetime(2026, 11, 20, 10, 1, tzinfo=SHANGHAI))  # Friday, 3 working days later

    refresh()

    finding = findings(RuleCode.ESCALATION_IGNORED).get()
    assert finding.subject_organisation == world.cleaning
    assert evidence_of(finding) == [(case.pk, EvidenceRole.ESCALATION_IGNORED)]
    assert finding.proposed_measure == "accountability"
    assert finding.facts == {"cases": 1, "days": 3}


def test_supervision_not_yet_three_working_days_old_does_not_fire(world, clock, rules):
    supervised_case(world, clock)
    clock.move_to(datetime(2026, 11, 20, 9, 59, tzinfo=SHANGHAI))

    refresh()

    assert findings(RuleCode.ESCALATION_IGNORED).count() == 0


def test_supervision_answered_by_a_fix_in_time_does_not_fire(world, clock, rules):
    case = supervised_case(world, clock)
    clock.move_to(datetime(2026, 11, 19, 16, 0, tzinfo=SHANGHAI))
    report_fix(world, case)
    clock.move_to(datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))

    refresh()

    assert findings(RuleCode.ESCALATION_IGNORED).count() == 0
