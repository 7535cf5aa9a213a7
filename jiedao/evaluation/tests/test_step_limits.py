"""Issue 11 points 3 and 5: the steps' own time limits (受理, 立案, 派遣, 结案), 按时立案率, 按时派遣率,
立案率, the confirmed 漏报, the command centre's posts and the department's 立案数分值 basis — on a
hand-computed morning in 桃源社区第1网格.

Limits (CasePolicy, clock minutes): 受理 30, 立案 60, 派遣 20, 结案 30. Tuesday 17 Nov 2026:
  P reported 09:00 · accepted 09:20 (20 ≤ 30) · filed 10:30 (70 > 60: late) · dispatched 10:40 (10 ≤ 20)
    · fixed 11:00 · checked 12:00 · closed 12:40 (40 > 30: late)
  Q reported 09:00 · sent to verify 09:45 (45 > 30: late) · verified 09:50 · filed 10:00 (10 ≤ 60)
    · dispatched 10:30 (30 > 20: late) · return approved 11:00 · dispatched again 11:10 (10 ≤ 20)
  R a resident's report 09:00 · accepted 09:05 · filed 09:10 as a 漏报 of the grid's worker
  S reported 09:00 · turned away by the clerk 09:10 (不予受理: taken up, never filed)
Counts of the grid over the day: 受理数 4 (P Q R S), 受理后立案数 3, 立案数 3, 按时立案数 2 (Q R),
派遣数 3, 按时派遣数 2 (P, Q's second), 漏报数 1 (R), 核实派发数 1, 按时 0, 结案办理数 1, 按时 0.
"""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from jiedao.cases import services
from jiedao.cases.errors import InvalidInput
from jiedao.cases.models import CasePolicy, CaseSource, RejectionKind
from jiedao.conftest import SHANGHAI, make_upload, report
from jiedao.evaluation.indicators import RATES, BaseCounts
from jiedao.evaluation.models import ObjectType, ScoringScheme, VolumeBasis
from jiedao.evaluation.selectors import cases_behind, counts_by_unit, evaluation_for
from jiedao.evaluation.services import evaluation_seed_defaults
from jiedao.territory.models import UnitLevel

START = datetime(2026, 11, 17, tzinfo=SHANGHAI)
END = datetime(2026, 11, 18, tzinfo=SHANGHAI)


def at(clock, hour, minute):
    clock.move_to(datetime(2026, 11, 17, hour, minute, tzinfo=SHANGHAI))


@pytest.fixture
def morning(world, clock):
    evaluation_seed_defaults()
    CasePolicy.objects.update_or_create(pk=1, defaults={"accept_limit_minutes": 30, "file_limit_minutes": 60,
                                                        "dispatch_limit_minutes": 20, "close_limit_minutes": 30})
    p = world.people
    cases = {name: report(world) for name in "PQS"}
    cases["R"] = report(world, by=p.intake_clerk, source=CaseSource.RESIDENT)
    at(clock, 9, 5)
    cases["R"] = services.case_accept(case=cases["R"], by=p.intake_clerk)
    at(clock, 9, 10)
    cases["R"] = services.case_file(case=cases["R"], by=p.shift_lead, missed_by_patrol=True)
    cases["S"] = services.case_reject(case=cases["S"], by=p.intake_clerk, kind=RejectionKind.INVALID, reason="无效")
    at(clock, 9, 20)
    cases["P"] = services.case_accept(case=cases["P"], by=p.intake_clerk)
    at(clock, 9, 45)
    cases["Q"] = services.case_send_to_verify(case=cases["Q"], by=p.intake_clerk, inspector=p.grid_worker)
    at(clock, 9, 50)
    cases["Q"] = services.case_verify(case=cases["Q"], by=p.grid_worker, confirmed=True)
    at(clock, 10, 0)
    cases["Q"] = services.case_file(case=cases["Q"], by=p.shift_lead)
    at(clock, 10, 30)
    cases["P"] = services.case_file(case=cases["P"], by=p.shift_lead)
    cases["Q"] = services.case_dispatch(case=cases["Q"], by=p.dispatcher, department=world.cleaning)
    at(clock, 10, 40)
    cases["P"] = services.case_dispatch(case=cases["P"], by=p.dispatcher, department=world.cleaning)
    at(clock, 11, 0)
    cases["P"] = services.case_report_fix(case=cases["P"], by=p.handler, opinion="已清运", photos=[make_upload()])
    services.case_request(case=cases["Q"], by=p.handler, kind="return", reason="非本部门")
    cases["Q"] = services.case_decide_request(case=cases["Q"], by=p.dispatcher, approve=True)
    at(clock, 11, 10)
    cases["Q"] = services.case_dispatch(case=cases["Q"], by=p.dispatcher, department=world.cleaning)
    at(clock, 12, 0)
    cases["P"] = services.case_check(case=cases["P"], by=p.inspector, passed=True)
    at(clock, 12, 40)
    cases["P"] = services.case_close(case=cases["P"], by=p.shift_lead)
    clock.move_to(datetime(2026, 11, 19, 9, 0, tzinfo=SHANGHAI))
    return cases


def test_step_counts_of_the_grid(world, morning):
    counts = counts_by_unit(level=UnitLevel.GRID, start=START, end=END)[world.grids[0]]

    assert (counts.accepted, counts.accepted_filed, counts.filed, counts.filed_on_time) == (4, 3, 3, 2)
    assert (counts.dispatches, counts.dispatched_on_time, counts.returns) == (3, 2, 1)
    assert (counts.missed, counts.verify_sent, counts.verify_sent_on_time) == (1, 1, 0)
    assert (counts.closings, counts.closings_on_time) == (1, 0)


def test_the_rates_of_the_steps(world, morning):
    counts = counts_by_unit(level=UnitLevel.GRID, start=START, end=END)[world.grids[0]]

    assert RATES["filing_rate"].of(counts) == Decimal(3) / 4
    assert RATES["on_time_filing_rate"].of(counts) == Decimal(2) / 3
    assert RATES["on_time_dispatch_rate"].of(counts) == Decimal(2) / 3
    assert RATES["missed_report_rate"].of(counts) == Decimal(1) / 3


def test_drill_down_names_the_cases_of_each_step_count(world, morning):
    def behind(indicator, **scope):
        return set(cases_behind(indicator=indicator, start=START, end=END, **(scope or {"unit": world.grids[0]})))

    assert behind("filed_on_time") == {morning["Q"], morning["R"]}
    assert behind("dispatched_on_time") == {morning["P"], morning["Q"]}
    assert behind("accepted") == {morning["P"], morning["Q"], morning["R"], morning["S"]}
    assert behind("missed") == {morning["R"]}
    assert behind("missed", person=world.people.grid_worker) == {morning["R"]}
    assert behind("filed_on_time", person=world.people.shift_lead) == {morning["Q"], morning["R"]}
    assert behind("returns", person=world.people.dispatcher) == {morning["Q"]}


def test_a_limit_changed_by_the_administrator_changes_the_figure(world, morning):
    CasePolicy.objects.filter(pk=1).update(file_limit_minutes=70)  # P's 70 minutes are now on time

    counts = counts_by_unit(level=UnitLevel.GRID, start=START, end=END)[world.grids[0]]

    assert counts.filed_on_time == 3


def test_the_grid_workers_missed_reports_are_the_confirmed_ones(world, morning):
    rows = {row.code: row for row in evaluation_for(object_type=ObjectType.FIELD_WORKER, start=START, end=END)}

    worker = rows["grid_worker"]
    assert (worker.counts.missed, worker.counts.filed) == (1, 3)
    assert worker.scores["missed_report_rate"] == Decimal("66.67")  # (1 − 1/3) × 100
    # R is a resident's report too, but only a confirmed 漏报 counts: not Q or P
    assert rows["other_grid_worker"].counts.missed == 0


def test_the_posts_composites(world, morning):
    dispatcher = evaluation_for(object_type=ObjectType.DISPATCHER, start=START, end=END)[0]
    shift_lead = evaluation_for(object_type=ObjectType.SHIFT_LEAD, start=START, end=END)[0]
    clerk = evaluation_for(object_type=ObjectType.INTAKE_CLERK, start=START, end=END)[0]

    # 派遣员: 派遣数 3 → 0 (≥101 is the lowest step) ×20% + 按时派遣率 2/3 → 66.67 ×40% + 准确派遣率 (3 − 1)/3 → 66.67 ×40%
    assert dispatcher.counts == BaseCounts(dispatches=3, dispatched_on_time=2, returns=1)
    assert (dispatcher.scores["dispatch_volume"], dispatcher.composite, dispatcher.grade) == (
        Decimal("0.00"), Decimal("53.34"), "D")
    # 值班长: 按时立案率 2/3 → 66.67 ×25% + 准确立案率 3/3 → 100 ×40% + 按时结案率 0/1 → 0 ×35% = 56.6675
    assert (shift_lead.counts.filed, shift_lead.counts.filed_on_time, shift_lead.counts.closings) == (3, 2, 1)
    assert shift_lead.composite == Decimal("56.67")
    # 受理员: 受理数 4 (P, Q sent to verify, R, S turned away) → 0; 核实按时派发率 0/1 → 0; no 核查 sent → "—"
    assert (clerk.counts.accepted, clerk.counts.verify_sent, clerk.counts.verify_sent_on_time) == (4, 1, 0)
    assert clerk.composite is None
    assert clerk.missing == ["check_dispatch_on_time_rate"]


def test_the_intake_volume_table_is_the_published_one(world, morning):
    scheme = ScoringScheme.objects.get(object_type=ObjectType.INTAKE_CLERK)
    steps = [(step["value"], step["score"]) for step in scheme.stepped_tables["intake_volume"]["steps"]]

    assert steps == [(2001, 100), (1201, 90), (501, 75), (301, 60), (101, 40)]
    assert scheme.stepped_tables["intake_volume"]["otherwise"] == 0


def test_the_department_volume_follows_the_schemes_basis(world, morning):
    # From 10:35: P (filed 10:30) and Q (filed 10:00) were filed before, but both were dispatched after.
    start = datetime(2026, 11, 17, 10, 35, tzinfo=SHANGHAI)
    scheme = ScoringScheme.objects.get(object_type=ObjectType.DEPARTMENT)
    scheme.stepped_tables = {"filed_volume": {"steps": [{"op": "<=", "value": 1, "score": 100}], "otherwise": 50}}
    scheme.save()

    def volume():
        rows = evaluation_for(object_type=ObjectType.DEPARTMENT, start=start, end=END)
        return next(row for row in rows if row.code == "D02").scores["filed_volume"]

    assert scheme.volume_basis == VolumeBasis.FILED  # the standard's 立案数, by default
    assert volume() == Decimal("100.00")  # 立案数 0
    scheme.volume_basis = VolumeBasis.DUE_HANDLING
    scheme.save()
    assert volume() == Decimal("50.00")  # 应处置数 2


def test_a_patrols_own_find_is_never_a_missed_report(world, clock):
    case = services.case_accept(case=report(world), by=world.people.intake_clerk)  # source 网格员巡查

    with pytest.raises(InvalidInput) as refused:
        services.case_file(case=case, by=world.people.shift_lead, missed_by_patrol=True)

    assert refused.value.field == "missed_by_patrol"
    case.refresh_from_db()
    assert case.filed_at is None and case.events.filter(action="file").count() == 0


def test_the_file_event_names_the_responsible_worker(world, clock):
    case = report(world, by=world.people.intake_clerk, source=CaseSource.HOTLINE)
    case = services.case_accept(case=case, by=world.people.intake_clerk)
    clock.shift(timedelta(minutes=5))

    services.case_file(case=case, by=world.people.shift_lead, missed_by_patrol=True)

    assert case.events.get(action="file").data["missed_by"] == world.people.grid_worker.pk
    from jiedao.web.presenters import event_facts

    assert ("确认漏报", "网格员 王网格 应巡查发现") in event_facts(case.events.get(action="file"))


def test_the_bulletin_shows_the_steps_and_the_posts(world, morning):
    from jiedao.evaluation.bulletin import bulletin_for
    from jiedao.evaluation.periods import period_between

    day = period_between(START.date(), START.date(), tz=SHANGHAI)
    bulletin = bulletin_for(period=day, now=datetime(2026, 11, 19, 9, 0, tzinfo=SHANGHAI), viewer=world.people.leader)

    assert "立案率 75.0%，按时立案率 66.7%，按时派遣率 66.7%；经确认的网格漏报率 33.3%" in bulletin.summary[2]
    posts = next(table for table in bulletin.tables if table.title == "指挥中心岗位考核")
    rows = {(row[0], row[1]): row for row in posts.rows}
    assert rows[("派遣员", "派遣员小吴")][2:4] == ["53.34", "D"]
    assert rows[("值班长", "值班长老周")][4] == "按时立案率 66.7%；准确立案率 100.0%；按时结案率 0.0%"


def test_the_evaluation_page_ranks_the_posts_and_opens_their_cases(world, morning, client):
    client.force_login(world.people.leader)
    query = "period=custom&start=2026-11-17&end=2026-11-17"

    page = client.get(f"/evaluation/?object=dispatcher&{query}")
    cases = client.get(f"/evaluation/cases/?object=shift_lead&{query}&indicator=filed_on_time"
                       f"&key={world.people.shift_lead.pk}")

    assert page.status_code == 200
    row = page.content.decode()
    assert "派遣员小吴" in row and "53.34" in row and "按时派遣率" in row
    assert cases.status_code == 200
    listed = cases.content.decode()
    assert morning["Q"].number in listed and morning["R"].number in listed
    assert morning["P"].number not in listed  # filed 70 minutes after 受理: late


def test_a_grid_worker_cannot_open_the_posts_evaluation(world, morning, client):
    client.force_login(world.people.grid_worker)

    assert client.get("/evaluation/?object=shift_lead").status_code == 403
