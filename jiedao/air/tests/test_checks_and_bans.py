"""Site checks on the type's checklist (scored by checklists.scoring) and the seasonal bans."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from jiedao.air.models import BanWindow, SourceCheck
from jiedao.air.selectors import ban_flags
from jiedao.air.services import AirRejected, check_record, checklist_for, source_save
from jiedao.cases.models import Case
from jiedao.checklists.models import ChecklistItem
from jiedao.conftest import SHANGHAI, grid_centre, report


def _items(version):
    return {item.name: item.pk for item in ChecklistItem.objects.filter(section__version=version)}


def test_a_construction_site_is_checked_on_the_six_hundred_percent_sheet(air):
    version = checklist_for(air.types["construction"])
    items = _items(version)
    assert version.checklist.code == "dust-six"

    check = check_record(by=air.people.inspector, source=air.site, checked_on=date(2026, 11, 17),
                         today=date(2026, 11, 17), answers={items["物料堆放覆盖"]: (2, False)})

    # 100 − 2 × 3 = 94 ≥ the pass mark 90
    assert (check.total, check.max_score, check.passed) == (Decimal("94.00"), Decimal("100.00"), True)


def test_a_restaurant_check_below_the_pass_mark_fails(air):
    version = checklist_for(air.types["catering"])
    items = _items(version)
    assert version.checklist.code == "catering-fumes"

    check = check_record(by=air.people.leader, source=air.restaurant, checked_on=date(2026, 11, 17),
                         today=date(2026, 11, 17), answers={items["净化设施正常运行"]: (1, False)})

    assert (check.total, check.passed) == (Decimal("70.00"), False)
    assert check.answers == {str(items["净化设施正常运行"]): [1, False]}


def test_a_check_with_an_item_of_another_sheet_or_a_future_date_writes_nothing(air):
    with pytest.raises(AirRejected) as refused:
        check_record(by=air.people.inspector, source=air.site, checked_on=date(2026, 11, 18),
                     today=date(2026, 11, 17), answers={999999: (1, False)})

    assert set(refused.value.errors) == {"checked_on", "answers"}
    assert SourceCheck.objects.count() == 0


def test_a_check_out_of_reach_is_refused(air):
    with pytest.raises(AirRejected) as refused:
        check_record(by=air.people.inspector, source=air.restaurant, checked_on=date(2026, 11, 17),
                     today=date(2026, 11, 17), answers={})
    assert refused.value.errors["source"] == "未知的污染源"


def _burning_report(world, when, column=0):
    import time_machine

    from jiedao.catalogue.models import CatalogueItem
    item = CatalogueItem.objects.get(code="06020")
    with time_machine.travel(when, tick=False):
        return report(world, item=item, column=column, description="焚烧树叶")


def test_a_burning_report_inside_the_ban_window_is_a_violation_outside_it_is_not(air):
    inside = _burning_report(air, datetime(2026, 11, 17, 9, 0, tzinfo=SHANGHAI))  # 秋冬季禁烧期 10-01 → 03-31
    outside = _burning_report(air, datetime(2026, 8, 4, 9, 0, tzinfo=SHANGHAI))

    flags = ban_flags(cases=Case.objects.all())

    assert [(flag.case.pk, flag.window.name) for flag in flags] == [(inside.pk, "秋冬季禁烧期")]
    assert outside.pk not in {flag.case.pk for flag in flags}


def test_the_window_is_data_a_new_one_makes_a_summer_report_a_violation(air):
    summer = _burning_report(air, datetime(2026, 8, 4, 9, 0, tzinfo=SHANGHAI))
    BanWindow.objects.create(source_type=air.types["burning"], name="八月禁烧", start_month=8, start_day=1,
                             end_month=8, end_day=31)

    assert [flag.case.pk for flag in ban_flags(cases=Case.objects.all())] == [summer.pk]


def test_with_zones_in_the_register_only_a_report_inside_one_is_a_violation(air):
    lon, lat = grid_centre(0)
    zone = source_save(code="JS-01", name="桃源禁烧点", source_type=air.types["burning"], longitude=lon,
                       latitude=lat, radius_m=300)
    near = _burning_report(air, datetime(2026, 11, 17, 9, 0, tzinfo=SHANGHAI), column=0)
    far = _burning_report(air, datetime(2026, 11, 17, 10, 0, tzinfo=SHANGHAI), column=3)

    flags = ban_flags(cases=Case.objects.all())

    assert [(flag.case.pk, flag.zone.pk) for flag in flags] == [(near.pk, zone.pk)]
    assert far.pk not in {flag.case.pk for flag in flags}
