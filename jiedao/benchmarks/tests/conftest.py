"""A hand-computed November in 青溪街道, driven through the real case services (rule 暴露垃圾, 4 工作时:
dispatched Tue 17 Nov 09:00, deadline 14:30), and a title with criteria reading it.

桃源社区 (grid 1):
  A closed 09:00                                   → on time, first time
  B 返工 once, fixed again and closed 09:00          → on time, reworked
  C fixed Wed 18 Nov 09:00, closed                  → overdue closure
柳岸社区 (grid 3, reported by the hotline):
  D closed 09:00                                   → on time
  E never fixed                                    → overdue pending at the end
Read on Wed 25 Nov 09:00, period November:
  按期结案率 = 按期结案数 / 应结案数: 桃源 2/3 = 66.7 %, 柳岸 1/2 = 50.0 %, 街道 3/5 = 60.0 %
  返工率 = 返工数 / 应结案数:          桃源 1/3 = 33.3 %, 柳岸 0/2 = 0.0 %,  街道 1/5 = 20.0 %
"""

from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from jiedao.benchmarks.models import Criterion, Method, TargetTitle
from jiedao.cases import services
from jiedao.cases.models import CaseSource
from jiedao.conftest import SHANGHAI, make_upload, report, walk_to
from jiedao.evaluation.periods import period_between

NOVEMBER = period_between(date(2026, 11, 1), date(2026, 11, 30), tz=SHANGHAI)
READ_AT = datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)


def _fix(world, case):
    return services.case_report_fix(case=case, by=world.people.handler, opinion="已清运", photos=[make_upload()])


def _liuan(world, *, close: bool):
    p = world.people
    case = report(world, by=p.intake_clerk, column=2, source=CaseSource.HOTLINE)
    case = services.case_accept(case=case, by=p.intake_clerk)
    case = services.case_file(case=case, by=p.shift_lead)
    case = services.case_dispatch(case=case, by=p.dispatcher, department=world.cleaning)
    if close:
        case = services.case_check(case=_fix(world, case), by=p.other_grid_worker, passed=True)
        case = services.case_close(case=case, by=p.shift_lead)
    return case


@pytest.fixture
def november(world, clock):
    p = world.people
    a = walk_to(world, report(world), "closed")
    b = walk_to(world, report(world), "fixed")
    b = services.case_check(case=b, by=p.inspector, passed=False, opinion="仍有垃圾")
    b = walk_to_close(world, _fix(world, b))
    c = walk_to(world, report(world), "handling")
    d = _liuan(world, close=True)
    e = _liuan(world, close=False)
    clock.move_to(datetime(2026, 11, 18, 9, 0, tzinfo=SHANGHAI))
    c = walk_to_close(world, _fix(world, c))
    clock.move_to(READ_AT)
    return SimpleNamespace(a=a, b=b, c=c, d=d, e=e)


def walk_to_close(world, case):
    case = services.case_check(case=case, by=world.people.inspector, passed=True)
    return services.case_close(case=case, by=world.people.shift_lead)


@pytest.fixture
def title(world):
    """美丽宜居示范街道 with a ≥ and a ≤ criterion on the loop's figures and one evidence criterion."""
    title = TargetTitle.objects.create(name="美丽宜居示范街道", level="省级", unit=world.subdistrict)
    on_time = Criterion.objects.create(title=title, order=1, group="环境卫生", name="按期结案率",
                                       measure_key="indicator:on_time_closure_rate", comparator=">=",
                                       required_value=Decimal(90), unit="%", weight=Decimal(40),
                                       department=world.cleaning)
    rework = Criterion.objects.create(title=title, order=2, group="处置质量", name="返工率",
                                      measure_key="indicator:rework_rate", comparator="<=",
                                      required_value=Decimal(5), unit="%", weight=Decimal(30),
                                      department=world.cleaning)
    cleaning = Criterion.objects.create(title=title, order=3, group="长效管理", name="长效保洁机制",
                                        method=Method.EVIDENCE, weight=Decimal(30), department=world.cleaning)
    return SimpleNamespace(title=title, on_time=on_time, rework=rework, cleaning=cleaning)
