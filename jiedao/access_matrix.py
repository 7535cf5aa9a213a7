"""People, scopes and case states shared by the access matrices of the pages and the API
(jiedao/web/tests/test_access_matrix.py, jiedao/api/tests/test_access_matrix.py)."""

from jiedao.cases import services
from jiedao.cases.models import Case
from jiedao.conftest import make_upload, report, walk_to
from jiedao.territory.models import Role

PERSONAS = {"grid_worker": Role.GRID_WORKER, "inspector": Role.INSPECTOR, "other_grid_worker": Role.GRID_WORKER,
            "intake_clerk": Role.INTAKE_CLERK, "shift_lead": Role.SHIFT_LEAD, "dispatcher": Role.DISPATCHER,
            "handler": Role.DEPARTMENT_HANDLER, "department_admin": Role.DEPARTMENT_ADMIN,
            "other_handler": Role.DEPARTMENT_HANDLER, "leader": Role.LEADER, "area_leader": Role.AREA_LEADER,
            "secretary": Role.FIRST_RESPONSIBLE, "other_secretary": Role.FIRST_RESPONSIBLE,
            "supervisor": Role.SUPERVISOR}
TERRITORY = {"grid_worker", "inspector", "intake_clerk", "shift_lead", "dispatcher", "leader", "area_leader",
             "secretary", "supervisor"}
UNDISPATCHED = {"reported", "verifying", "accepted", "filed", "self_handled", "duplicate", "rejected"}
# "duplicate": a new report of a problem already reported as this number (the case to merge into).
ORIGINAL_NUMBER = "2026-000001"


def seeing(state: str) -> set[str]:
    """桃源 grid 0 is seen by its territory; 环卫所 joins once the case is dispatched to it."""
    return TERRITORY if state in UNDISPATCHED else TERRITORY | {"handler", "department_admin"}


def bring(world, state: str) -> Case:
    p = world.people
    if state == "reported":
        return report(world)
    if state == "duplicate":
        assert report(world, photos=[]).number == ORIGINAL_NUMBER
        return report(world)
    if state == "verifying":
        return services.case_send_to_verify(case=report(world), by=p.intake_clerk, inspector=p.inspector)
    if state == "rejected":  # a clerk's 不予受理, waiting for the shift lead's review
        return services.case_reject(case=report(world), by=p.intake_clerk, kind="invalid", reason="无法辨认")
    if state == "self_handled":
        return report(world, self_handled=True, after_photos=[make_upload()])
    if state.startswith("pending_"):
        case = walk_to(world, report(world), "handling")
        services.case_request(case=case, by=p.handler, kind=state.removeprefix("pending_"), reason="理由",
                              extra_minutes=60)
        return Case.objects.get(pk=case.pk)
    if state == "suspended":
        return services.case_decide_request(case=bring(world, "pending_suspension"), by=p.dispatcher, approve=True)
    return walk_to(world, report(world), state)
