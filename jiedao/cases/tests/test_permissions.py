"""Every transition: one role that may, and roles that may not (who changes nothing)."""

import pytest

from jiedao.cases import services
from jiedao.cases.access import can_view
from jiedao.cases.errors import NotAllowed
from jiedao.cases.models import Case, CaseEvent
from jiedao.cases.selectors import cases_in_inbox, cases_visible_to
from jiedao.conftest import make_upload

from .conftest import report, walk_to

pytestmark = pytest.mark.django_db


def _with_request(kind):
    def setup(world):
        case = walk_to(world, report(world), "handling")
        services.case_request(case=case, by=world.people.handler, kind=kind, reason="理由", extra_minutes=60)
        return Case.objects.get(pk=case.pk)
    return setup


def _at(state):
    return lambda world: walk_to(world, report(world), state)


def _reported(world):
    return report(world)


def _verifying(world):
    return services.case_send_to_verify(case=report(world), by=world.people.intake_clerk,
                                        inspector=world.people.inspector)


def _suspended(world):
    case = _with_request("suspension")(world)
    return services.case_decide_request(case=case, by=world.people.dispatcher, approve=True)


def _rejected_by_clerk(world):
    return services.case_reject(case=report(world), by=world.people.intake_clerk, kind="invalid", reason="无法辨认")


def _tomorrow():
    from datetime import timedelta

    from jiedao import clock

    return clock.now() + timedelta(days=1)


def _self_handled(world):
    return report(world, self_handled=True, after_photos=[make_upload()])


# action: (setup, call, allowed persona, denied personas)
MATRIX = {
    "accept": (_reported, lambda w, c, by: services.case_accept(case=c, by=by),
               "intake_clerk", ["grid_worker", "dispatcher", "handler", "leader"]),
    "send_to_verify": (_reported, lambda w, c, by: services.case_send_to_verify(
        case=c, by=by, inspector=w.people.inspector), "intake_clerk", ["grid_worker", "dispatcher"]),
    "verify": (_verifying, lambda w, c, by: services.case_verify(case=c, by=by, confirmed=True),
               "inspector", ["intake_clerk", "handler", "other_grid_worker"]),
    "file": (_at("accepted"), lambda w, c, by: services.case_file(case=c, by=by),
             "shift_lead", ["intake_clerk", "dispatcher", "leader"]),
    "void": (_reported, lambda w, c, by: services.case_void(case=c, by=by, reason="重复"),
             "shift_lead", ["intake_clerk", "dispatcher", "grid_worker"]),
    "reject": (_reported, lambda w, c, by: services.case_reject(case=c, by=by, kind="duplicate", reason="重复"),
               "intake_clerk", ["grid_worker", "dispatcher", "handler", "leader"]),
    "review_rejection": (_rejected_by_clerk, lambda w, c, by: services.case_review_rejection(case=c, by=by, uphold=True),
                         "shift_lead", ["intake_clerk", "dispatcher", "leader"]),
    "supervise": (_at("handling"), lambda w, c, by: services.case_supervise(case=c, by=by, note="加快",
                                                                            due_at=_tomorrow()),
                  "leader", ["handler", "dispatcher", "shift_lead", "secretary", "other_handler"]),
    "hand_down": (_at("filed"), lambda w, c, by: services.case_hand_down(case=c, by=by, department=w.cleaning,
                                                                         opinion="请环卫所即办"),
                  "leader", ["area_leader", "dispatcher", "secretary", "handler"]),
    "merge": (_reported, lambda w, c, by: services.case_merge(case=c, into=report(w, photos=[]), by=by,
                                                               reason="重复上报"),
              "intake_clerk", ["grid_worker", "dispatcher", "handler", "leader"]),
    "dispatch": (_at("filed"), lambda w, c, by: services.case_dispatch(case=c, by=by, department=w.cleaning),
                 "dispatcher", ["shift_lead", "intake_clerk", "handler"]),
    "request_return": (_at("handling"), lambda w, c, by: services.case_request(
        case=c, by=by, kind="return", reason="非本部门"), "handler", ["other_handler", "dispatcher", "grid_worker"]),
    "request_extension": (_at("handling"), lambda w, c, by: services.case_request(
        case=c, by=by, kind="extension", reason="需时间", extra_minutes=60), "department_admin",
        ["other_handler", "shift_lead"]),
    "decide_return": (_with_request("return"), lambda w, c, by: services.case_decide_request(
        case=c, by=by, approve=True), "dispatcher", ["handler", "shift_lead", "intake_clerk"]),
    "decide_extension": (_with_request("extension"), lambda w, c, by: services.case_decide_request(
        case=c, by=by, approve=True), "dispatcher", ["department_admin", "leader"]),
    "decide_suspension": (_with_request("suspension"), lambda w, c, by: services.case_decide_request(
        case=c, by=by, approve=True), "dispatcher", ["handler", "shift_lead"]),
    "decide_void": (_with_request("void"), lambda w, c, by: services.case_decide_request(
        case=c, by=by, approve=True), "shift_lead", ["dispatcher", "handler"]),
    "resume": (_suspended, lambda w, c, by: services.case_resume(case=c, by=by),
               "dispatcher", ["handler", "other_handler", "shift_lead"]),
    "report_fix": (_at("handling"), lambda w, c, by: services.case_report_fix(
        case=c, by=by, opinion="已处理", photos=[make_upload()]), "handler", ["other_handler", "grid_worker"]),
    "assign_inspector": (_at("fixed"), lambda w, c, by: services.case_assign_inspector(
        case=c, by=by, inspector=w.people.grid_worker), "intake_clerk", ["handler", "dispatcher"]),
    "check": (_at("fixed"), lambda w, c, by: services.case_check(case=c, by=by, passed=True),
              "inspector", ["handler", "department_admin", "other_grid_worker", "shift_lead"]),
    "close": (_at("checked"), lambda w, c, by: services.case_close(case=c, by=by),
              "shift_lead", ["dispatcher", "inspector", "handler"]),
    "review_self_handled": (_self_handled, lambda w, c, by: services.case_review_self_handled(
        case=c, by=by, approve=True), "shift_lead", ["grid_worker", "intake_clerk"]),
}

DENIED = [(action, persona) for action, (_s, _c, _a, denied) in MATRIX.items() for persona in denied]


@pytest.mark.parametrize("action", list(MATRIX))
def test_allowed_role_may(world, clock, action):
    setup, call, allowed, _denied = MATRIX[action]
    case = setup(world)
    events_before = CaseEvent.objects.filter(case=case).count()

    call(world, case, getattr(world.people, allowed))

    assert CaseEvent.objects.filter(case=case).count() == events_before + 1
    last = CaseEvent.objects.filter(case=case).last()
    assert last.actor == getattr(world.people, allowed)


@pytest.mark.parametrize(("action", "persona"), DENIED)
def test_other_roles_may_not_and_nothing_changes(world, clock, action, persona):
    setup, call, _allowed, _denied = MATRIX[action]
    case = setup(world)
    before = Case.objects.values().get(pk=case.pk)
    events_before = CaseEvent.objects.filter(case=case).count()

    with pytest.raises(NotAllowed):
        call(world, case, getattr(world.people, persona))

    assert Case.objects.values().get(pk=case.pk) == before
    assert CaseEvent.objects.filter(case=case).count() == events_before


def test_matrix_covers_every_action():
    from jiedao.cases.workflow import ACTIONS

    covered = set(MATRIX) | {"request_suspension", "request_void"}
    assert covered == set(ACTIONS)


def test_scope_decides_who_sees_a_case(world, clock):
    case = walk_to(world, report(world), "handling")
    p = world.people

    seeing = {name for name in vars(p) if can_view(user=getattr(p, name), case=case)}

    assert seeing == {"grid_worker", "inspector", "intake_clerk", "shift_lead", "dispatcher", "handler",
                      "department_admin", "leader", "area_leader", "secretary", "supervisor"}
    assert list(cases_visible_to(user=p.other_secretary)) == []
    assert list(cases_visible_to(user=p.other_handler)) == []


def test_inbox_boxes_follow_the_case(world, clock):
    p = world.people
    case = report(world)
    assert list(cases_in_inbox(user=p.intake_clerk, box="to_accept")) == [case]
    assert list(cases_in_inbox(user=p.shift_lead, box="to_file")) == []

    case = services.case_accept(case=case, by=p.intake_clerk)
    assert list(cases_in_inbox(user=p.intake_clerk, box="to_accept")) == []
    assert list(cases_in_inbox(user=p.shift_lead, box="to_file")) == [case]

    case = services.case_file(case=case, by=p.shift_lead)
    case = services.case_dispatch(case=case, by=p.dispatcher, department=world.cleaning)
    assert list(cases_in_inbox(user=p.handler, box="to_handle")) == [case]
    assert list(cases_in_inbox(user=p.other_handler, box="to_handle")) == []
