"""Problems found on a patrol: fixed on the spot, a case for the department (source 河长巡河), or a
交办函 to the higher-level 河长办 with its deadline in working time, followed until 整改到位."""

import uuid
from datetime import date, datetime

import pytest

from jiedao.cases import services as case_services
from jiedao.cases.idempotency import KeyReused
from jiedao.cases.models import Case, CaseSource
from jiedao.cases.selectors import dispatch_suggestion
from jiedao.conftest import SHANGHAI, make_upload
from jiedao.rivers import services
from jiedao.rivers.models import AssignmentEvent, LetterAction, LetterState, ProblemHandling, RiverProblem
from jiedao.worktime.models import CalendarDay, DayKind

from .conftest import LAT


@pytest.fixture
def patrol(river, clock):
    started, _created = services.river_patrol_start(by=river.people.chief, client_id=uuid.uuid4(),
                                                    segment=river.segment)
    return started


def record(river, patrol, handling, key="problem-0001", **kwargs):
    params = dict(by=river.people.chief, patrol=patrol, key=key, description="河岸新增一处排污口，污水直排",
                  longitude=river.segment.min_lon + 0.001, latitude=LAT, handling=handling)
    params.update(kwargs)
    return services.river_problem_record(**params)


def test_a_problem_the_chief_cannot_fix_becomes_a_case_routed_by_the_catalogue(river, world, patrol):
    answer = record(river, patrol, ProblemHandling.CASE, category=world.item, photos=[make_upload()])
    case = Case.objects.get()
    assert (case.source, case.item, case.reporter, case.grid) == (CaseSource.RIVER_PATROL, world.item,
                                                                 river.people.chief, world.grids[0])
    assert case.get_source_display() == "河长巡河"
    assert case.photos.count() == 1
    assert RiverProblem.objects.get().case == case
    assert answer.body["message"] == f"已转部门立案：案件 {case.number}"
    case = case_services.case_accept(case=case, by=world.people.intake_clerk)
    case = case_services.case_file(case=case, by=world.people.shift_lead)
    assert dispatch_suggestion(case=case).department == world.cleaning


def test_the_same_problem_sent_twice_is_one_problem_and_one_case(river, world, patrol):
    first = record(river, patrol, ProblemHandling.CASE, category=world.item, fingerprint="a" * 64)
    again = record(river, patrol, ProblemHandling.CASE, category=world.item, fingerprint="a" * 64)
    assert (again.replayed, again.body) == (True, first.body)
    assert (RiverProblem.objects.count(), Case.objects.count()) == (1, 1)
    with pytest.raises(KeyReused):
        record(river, patrol, ProblemHandling.CASE, category=world.item, fingerprint="b" * 64)


def test_a_problem_fixed_on_the_spot_needs_the_measure(river, patrol):
    with pytest.raises(services.InvalidInput) as refused:
        record(river, patrol, ProblemHandling.FIXED_ON_SITE)
    assert refused.value.message == "当场处理须填写采取的措施和效果"
    record(river, patrol, ProblemHandling.FIXED_ON_SITE, measure="已劝离，现场清理完毕", photos=[make_upload()])
    problem = RiverProblem.objects.get()
    assert (problem.measure, problem.photos.count(), problem.case) == ("已劝离，现场清理完毕", 1, None)


def test_a_case_without_a_category_is_refused_and_nothing_is_written(river, patrol):
    with pytest.raises(services.InvalidInput):
        record(river, patrol, ProblemHandling.CASE)
    assert (RiverProblem.objects.count(), Case.objects.count()) == (0, 0)


def test_another_person_may_not_add_problems_to_the_patrol(river, patrol):
    with pytest.raises(services.NotAllowed):
        record(river, patrol, ProblemHandling.FIXED_ON_SITE, by=river.people.assistant, measure="x")


# ---------------------------------------------------------------- 交办函

def holiday_and_swapped_day():
    """Thursday 1 October to Friday 9 October 2026 off, Saturday 10 October worked (调休)."""
    for day in range(1, 10):
        CalendarDay.objects.create(date=date(2026, 10, day), kind=DayKind.HOLIDAY, is_working_day=False, name="国庆")
    CalendarDay.objects.create(date=date(2026, 10, 10), kind=DayKind.SWAPPED_WORKING_DAY, is_working_day=True,
                               name="国庆调休")


def test_the_letters_deadline_is_one_working_day_across_a_holiday_and_a_swapped_day(river, world, time_machine):
    holiday_and_swapped_day()
    time_machine.move_to(datetime(2026, 9, 30, 16, 0, tzinfo=SHANGHAI), tick=False)
    patrol, _created = services.river_patrol_start(by=river.people.chief, client_id=uuid.uuid4(),
                                                   segment=river.segment)
    answer = record(river, patrol, ProblemHandling.LETTER)
    letter = RiverProblem.objects.get().letter
    # 30 Sep 16:00–17:30 is 90 of the day's 450 working minutes; 1–9 Oct are off; the other 360
    # minutes fall on Saturday 10 October (调休): 08:30–12:00 (210) and 13:30–16:00 (150).
    assert letter.deadline_at == datetime(2026, 10, 10, 16, 0, tzinfo=SHANGHAI)
    assert (letter.number, letter.recipient, letter.state) == ("HZ2026-0001", "清江区河长办", LetterState.SENT)
    assert answer.body["message"] == "已报清江区河长办：交办函 HZ2026-0001"


def test_a_letter_is_followed_until_rectified_with_every_step_kept(river, patrol):
    record(river, patrol, ProblemHandling.LETTER)
    letter = RiverProblem.objects.get().letter
    office = river.people.office
    services.letter_act(by=office, letter=letter, action=LetterAction.ACCEPT)
    services.letter_act(by=office, letter=letter, action=LetterAction.REPORT, reason="区河长办回复：已封堵")
    with pytest.raises(services.InvalidInput):
        services.letter_act(by=office, letter=letter, action=LetterAction.REJECT)
    services.letter_act(by=office, letter=letter, action=LetterAction.REJECT, reason="仍有渗漏")
    services.letter_act(by=office, letter=letter, action=LetterAction.REPORT, reason="已二次封堵")
    letter = services.letter_act(by=office, letter=letter, action=LetterAction.CONFIRM, reason="现场核实")
    assert letter.state == LetterState.RECTIFIED
    steps = list(letter.events.values_list("action", "from_state", "to_state", "actor__username", "reason"))
    assert steps == [
        ("send", "", "sent", "hz_taoyuan", "河岸新增一处排污口，污水直排"),
        ("accept", "sent", "accepted", "river_office", ""),
        ("report", "accepted", "reported", "river_office", "区河长办回复：已封堵"),
        ("reject", "reported", "accepted", "river_office", "仍有渗漏"),
        ("report", "accepted", "reported", "river_office", "已二次封堵"),
        ("confirm", "reported", "rectified", "river_office", "现场核实"),
    ]
    with pytest.raises(services.WrongState):
        services.letter_act(by=office, letter=letter, action=LetterAction.CONFIRM)


def test_letter_events_are_append_only(river, patrol):
    record(river, patrol, ProblemHandling.LETTER)
    event = AssignmentEvent.objects.get()
    event.reason = "改写"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        AssignmentEvent.objects.update(reason="改写")
    with pytest.raises(TypeError):
        AssignmentEvent.objects.all().delete()


def test_only_the_river_office_follows_up_a_letter(river, patrol):
    record(river, patrol, ProblemHandling.LETTER)
    letter = RiverProblem.objects.get().letter
    with pytest.raises(services.NotAllowed):
        services.letter_act(by=river.people.chief, letter=letter, action=LetterAction.ACCEPT)
    letter.refresh_from_db()
    assert letter.state == LetterState.SENT
