from datetime import date, timedelta

import pytest

from jiedao import clock as domain_clock
from jiedao.accountability.services import accountability_rules_seed, findings_refresh
from jiedao.cases import services
from jiedao.conftest import make_upload

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def rules(db):
    accountability_rules_seed()


def refresh(start=NOVEMBER[0], end=NOVEMBER[1]):
    return findings_refresh(start=start, end=end, now=domain_clock.now())


def return_case(world, case, *, handler, minutes=10, clock=None):
    """The department applies for 回退 and the dispatcher approves it."""
    services.case_request(case=case, by=handler, kind="return", reason="不属于本部门职责")
    if clock is not None:
        clock.shift(timedelta(minutes=minutes))
    return services.case_decide_request(case=case, by=world.people.dispatcher, approve=True)


def fail_check(world, case):
    return services.case_check(case=case, by=world.people.inspector, passed=False, opinion="现场仍有垃圾")


def report_fix(world, case, by=None):
    return services.case_report_fix(case=case, by=by or world.people.handler, opinion="已清运",
                                    photos=[make_upload()])
