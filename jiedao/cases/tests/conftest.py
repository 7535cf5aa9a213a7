from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from jiedao.cases import services
from jiedao.cases.models import CaseSource
from jiedao.conftest import grid_centre, make_upload

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Tuesday morning, inside working hours, far from holidays.
TUESDAY_0900 = datetime(2026, 11, 17, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    with time_machine.travel(TUESDAY_0900, tick=False) as traveller:
        yield traveller


def report(world, by=None, column=0, **kwargs):
    lon, lat = grid_centre(column)
    params = dict(by=by or world.people.grid_worker, source=CaseSource.PATROL, item=world.item,
                  longitude=lon, latitude=lat, description="路口成堆垃圾", address="桃源路 12 号",
                  photos=[make_upload()])
    params.update(kwargs)
    return services.case_report(**params)


def walk_to(world, case, state):
    """Drive a fresh case along the main path up to `state` with the right people."""
    p = world.people
    steps = [
        ("accepted", lambda c: services.case_accept(case=c, by=p.intake_clerk)),
        ("filed", lambda c: services.case_file(case=c, by=p.shift_lead)),
        ("handling", lambda c: services.case_dispatch(case=c, by=p.dispatcher, department=world.cleaning)),
        ("fixed", lambda c: services.case_report_fix(case=c, by=p.handler, opinion="已清运",
                                                     photos=[make_upload()])),
        ("checked", lambda c: services.case_check(case=c, by=p.inspector, passed=True)),
        ("closed", lambda c: services.case_close(case=c, by=p.shift_lead)),
    ]
    for name, step in steps:
        case = step(case)
        if name == state:
            return case
    raise AssertionError(f"unknown state {state}")
