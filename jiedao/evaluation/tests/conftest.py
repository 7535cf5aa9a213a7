"""A hand-computed week in 桃源社区第1网格 (and one hotline case in 柳岸社区第3网格), driven through
the real services. Rule: 暴露垃圾, 4 工作时; working periods 08:30–12:00, 13:30–17:30.

Tuesday 17 Nov 2026, 09:00, seven patrol reports in grid 1; six are dispatched to 环卫所 at 09:00
(deadline 14:30):
  A fixed 10:00, checked, closed 10:00                     → on time, first time
  B fixed Wed 09:00, checked 09:45 (late check), closed    → overdue closure
  C fixed 10:00, 返工 10:00, fixed 11:00, closed 11:00      → on time, reworked
  D extension +60 min approved 10:00 (deadline 15:30)      → pending, overdue, extended
  E suspension approved 10:00, still 挂账 at period end     → pending, paused: not overdue
  F returned 10:00, re-dispatched 10:00 (deadline 15:30)   → two dispatches, one return, overdue
  G voided by the shift lead before filing                 → void
H, grid 3 (柳岸): hotline report by the intake clerk, sent to verify at 09:00, verified 09:10 by
the other grid worker, then filed; never dispatched.
Period: [Tue 17 Nov 00:00, Tue 24 Nov 00:00); the numbers are read on Wed 25 Nov.
"""

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from jiedao.cases import services
from jiedao.cases.models import CaseSource
from jiedao.conftest import SHANGHAI, make_upload, report, walk_to
from jiedao.evaluation.services import evaluation_seed_defaults

START = datetime(2026, 11, 17, tzinfo=SHANGHAI)
END = datetime(2026, 11, 24, tzinfo=SHANGHAI)


def _fix(world, case):
    return services.case_report_fix(case=case, by=world.people.handler, opinion="已清运", photos=[make_upload()])


def _check_and_close(world, case):
    case = services.case_check(case=case, by=world.people.inspector, passed=True)
    return services.case_close(case=case, by=world.people.shift_lead)


@pytest.fixture
def week(world, clock):
    evaluation_seed_defaults()
    p = world.people
    a, b, c, d, e, f = (walk_to(world, report(world), "handling") for _ in range(6))
    g = services.case_void(case=report(world), by=p.shift_lead, reason="重复上报")
    h = report(world, by=p.intake_clerk, column=2, source=CaseSource.HOTLINE)
    h = services.case_send_to_verify(case=h, by=p.intake_clerk, inspector=p.other_grid_worker)
    clock.shift(timedelta(minutes=10))
    h = services.case_verify(case=h, by=p.other_grid_worker, confirmed=True)
    h = services.case_file(case=h, by=p.shift_lead)

    clock.move_to(datetime(2026, 11, 17, 10, 0, tzinfo=SHANGHAI))
    a = _check_and_close(world, _fix(world, a))
    c = _fix(world, c)
    c = services.case_check(case=c, by=p.inspector, passed=False, opinion="仍有垃圾")
    services.case_request(case=d, by=p.handler, kind="extension", reason="量大", extra_minutes=60)
    d = services.case_decide_request(case=d, by=p.dispatcher, approve=True)
    services.case_request(case=e, by=p.handler, kind="suspension", reason="待拆违")
    e = services.case_decide_request(case=e, by=p.dispatcher, approve=True)
    services.case_request(case=f, by=p.handler, kind="return", reason="非本部门")
    f = services.case_decide_request(case=f, by=p.dispatcher, approve=True)
    f = services.case_dispatch(case=f, by=p.dispatcher, department=world.cleaning)

    clock.move_to(datetime(2026, 11, 17, 11, 0, tzinfo=SHANGHAI))
    c = _check_and_close(world, _fix(world, c))

    clock.move_to(datetime(2026, 11, 18, 9, 0, tzinfo=SHANGHAI))
    b = _fix(world, b)
    clock.move_to(datetime(2026, 11, 18, 9, 45, tzinfo=SHANGHAI))
    b = services.case_check(case=b, by=p.inspector, passed=True)
    b = services.case_close(case=b, by=p.shift_lead)

    clock.move_to(datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI))
    return SimpleNamespace(a=a, b=b, c=c, d=d, e=e, f=f, g=g, h=h)
