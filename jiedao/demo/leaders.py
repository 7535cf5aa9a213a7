"""The leaders' own steps in the demo: a few 督办 by hand on cases long past their deadline (some
already past the time the leader set, so the register shows them), and a 领导交办 of cases left
waiting for dispatch. Driven through the case services with the clock set back, as the replay is."""

from datetime import timedelta

from django.db.models import Max

from jiedao import clock
from jiedao.cases import services
from jiedao.cases.errors import CaseError
from jiedao.cases.models import Case, CaseState
from jiedao.cases.selectors import dispatch_suggestion
from jiedao.territory.models import Duty, Role

from .replay import CLIENT_KEY_PREFIX

SUPERVISED = 8
HANDED_DOWN = 2


def demo_leaders_seed() -> dict[str, int]:
    leader = Duty.objects.filter(role=Role.LEADER).select_related("user").order_by("pk").first()
    if leader is None:
        return {"supervised": 0, "handed_down": 0}
    now = clock.now()
    supervised = handed_down = 0
    overdue = (Case.objects.filter(client_key__startswith=CLIENT_KEY_PREFIX, state=CaseState.HANDLING,
                                   deadline_at__lt=now - timedelta(days=3))
               .order_by("deadline_at")[:SUPERVISED])
    for n, case in enumerate(overdue):
        # Half were supervised a week ago with three days to act (and did not): the register's 督办未落实.
        at = now - timedelta(days=7) if n % 2 == 0 else now - timedelta(hours=3)
        # Never before the case's last step (a suspension that ended lately, say): the timeline stays in order.
        if at <= case.events.aggregate(last=Max("at"))["last"]:
            continue
        with clock.frozen(at):
            try:
                services.case_supervise(case=case, by=leader.user, due_at=at + timedelta(days=3),
                                        note="超期未办结，请责任部门三日内整改到位并报告")
                supervised += 1
            except CaseError:
                continue
    waiting = (Case.objects.filter(client_key__startswith=CLIENT_KEY_PREFIX, state=CaseState.FILED)
               .select_related("item", "grid").order_by("filed_at")[:HANDED_DOWN])
    for case in waiting:
        department = dispatch_suggestion(case=case).department
        if department is None:
            continue
        try:
            services.case_hand_down(case=case, by=leader.user, department=department,
                                    opinion="群众反映集中，请即办并当日反馈")
            handed_down += 1
        except CaseError:
            continue
    return {"supervised": supervised, "handed_down": handed_down}
