"""The pages by persona: who reads, who enters, what a refused form writes (nothing)."""

import io

import pytest
import time_machine
from django.test import Client
from openpyxl import Workbook

from jiedao.cases.models import Case
from jiedao.catalogue.models import CatalogueItem, CatalogueKind
from jiedao.conftest import TUESDAY_0900
from jiedao.evaluation.measures import measure_value
from jiedao.waste.models import PointProblem, SortingCheck, WasteRecord
from jiedao.waste.services import Reading, readings_record

from .conftest import TODAY


@pytest.fixture
def signed_in(world):
    def client_for(user):
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(user)
        return client
    return client_for


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(TUESDAY_0900, tick=False):
        yield


PAGES = ["/waste/", "/waste/overview/", "/waste/records/", "/waste/checks/", "/waste/mismatches/"]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize(("person", "status"), [("leader", 200), ("secretary", 200), ("handler", 200),
                                                ("grid_worker", 403), ("other_handler", 403)])
def test_who_reads_the_pages(world, waste, signed_in, url, person, status):
    assert signed_in(getattr(world.people, person)).get(url).status_code == status


def test_a_secretary_does_not_open_another_communitys_point(world, waste, signed_in):
    client = signed_in(world.people.other_secretary)
    assert client.get(f"/waste/points/{waste.point.pk}/").status_code == 404
    assert client.get(f"/waste/points/{waste.liuan_point.pk}/").status_code == 200
    assert client.get(f"/waste/overview/?unit={world.taoyuan.pk}").status_code == 404


def test_the_overview_shows_each_rate_and_drills_down(world, waste, signed_in):
    readings_record(by=world.people.handler, source="form", today=TODAY, readings=[
        Reading(day="2026-11-10", stage="收集", waste_class="可回收物", weight="100", point="P001"),
        Reading(day="2026-11-10", stage="收集", waste_class="其他垃圾", weight="300", point="P001")])
    client = signed_in(world.people.leader)
    page = client.get(f"/waste/overview/?period=month&unit={world.area.pk}").content.decode()
    assert 'data-figure="recycling"' in page and ">25.0%<" in page   # 100 / 400
    assert "桃源社区" in page and "柳岸社区" in page
    community = client.get(f"/waste/overview/?period=month&unit={world.taoyuan.pk}").content.decode()
    assert "P001 桃源一区投放点" in community
    behind = client.get(f"/waste/records/?period=month&unit={world.taoyuan.pk}&stage=collection").content.decode()
    assert "合计 400.00 千克" in behind


def test_the_rates_are_measures(world, waste):
    readings_record(by=world.people.handler, source="form", today=TODAY, readings=[
        Reading(day="2026-11-10", stage="收集", waste_class="可回收物", weight="100", point="P001"),
        Reading(day="2026-11-10", stage="收集", waste_class="其他垃圾", weight="300", point="P001")])
    from datetime import datetime
    from zoneinfo import ZoneInfo
    tz = ZoneInfo("Asia/Shanghai")
    start, end = datetime(2026, 11, 1, tzinfo=tz), datetime(2026, 12, 1, tzinfo=tz)
    assert str(measure_value("waste:recycling", world.taoyuan, start, end)) == "25.0"
    assert measure_value("waste:participation", world.taoyuan, start, end) is None


def test_the_form_writes_every_class_or_nothing(world, waste, signed_in):
    client = signed_in(world.people.handler)
    refused = client.post("/waste/quantities/new/", {"day": "2026-11-16", "stage": "collection", "point": "P001",
                                                     "unit": "kg", "weight_kitchen": "20", "weight_residual": "-1"})
    assert refused.status_code == 400
    assert "重量不能为负数" in refused.content.decode()
    assert WasteRecord.objects.count() == 0
    done = client.post("/waste/quantities/new/", {"day": "2026-11-16", "stage": "collection", "point": "P001",
                                                  "unit": "t", "weight_kitchen": "0.2", "weight_residual": "0.5"})
    assert done.status_code == 302
    assert sorted(WasteRecord.objects.values_list("weight_kg", flat=True)) == [200, 500]


def test_a_leader_reads_but_does_not_enter(world, waste, signed_in):
    client = signed_in(world.people.leader)
    assert client.get("/waste/quantities/new/").status_code == 403
    assert client.post("/waste/quantities/import/").status_code == 403
    response = client.post(f"/waste/points/{waste.point.pk}/checks/", {"kind": "spot_check", "checked_on": "2026-11-16",
                                                                        "bins_checked": "4", "bins_correct": "3"})
    assert response.status_code == 400
    assert SortingCheck.objects.count() == 0


def test_the_import_lists_row_errors_and_writes_nothing(world, waste, signed_in):
    book = Workbook()
    book.active.append(["日期", "环节", "投放点编号", "其他垃圾"])
    book.active.append(["2026-11-16", "收集", "P001", 10])
    book.active.append(["2026-11-16", "收集", "P001", -10])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "weighbridge.xlsx"
    response = signed_in(world.people.handler).post("/waste/quantities/import/", {"file": data})
    assert response.status_code == 400
    assert "重量不能为负数" in response.content.decode()
    assert WasteRecord.objects.count() == 0


def test_a_supervisor_records_a_spot_check_at_his_point(world, waste, signed_in):
    client = signed_in(waste.guide)
    response = client.post(f"/waste/points/{waste.point.pk}/checks/", {
        "kind": "spot_check", "checked_on": "2026-11-16", "bins_checked": "4", "bins_correct": "5"})
    assert response.status_code == 400 and SortingCheck.objects.count() == 0
    response = client.post(f"/waste/points/{waste.point.pk}/checks/", {
        "kind": "spot_check", "checked_on": "2026-11-16", "bins_checked": "4", "bins_correct": "3"})
    assert response.status_code == 302
    assert SortingCheck.objects.get().bins_correct == 3
    assert client.get(f"/waste/points/{waste.liuan_point.pk}/").status_code == 404


def test_an_overflow_becomes_a_case_at_the_point(world, waste, signed_in):
    CatalogueItem.objects.create(kind=CatalogueKind.MATTER, major_code="06", major_name="市容环境类", code="06042",
                                 name="垃圾站（箱）满溢", standard_ref="GB/T 47678.5-2026")
    response = signed_in(world.people.handler).post(f"/waste/points/{waste.point.pk}/problems/",
                                                    {"problem": "overflow", "description": "东侧两桶满溢"})
    assert response.status_code == 302
    problem = PointProblem.objects.get()
    case = Case.objects.get()
    assert problem.case == case and case.item.code == "06042"
    assert (case.longitude, case.latitude) == pytest.approx((waste.point.longitude, waste.point.latitude))
    assert "P001" in case.description and "东侧两桶满溢" in case.description


def test_a_problem_without_its_category_is_refused_and_writes_nothing(world, waste, signed_in):
    response = signed_in(world.people.handler).post(f"/waste/points/{waste.point.pk}/problems/", {"problem": "mixed"})
    assert response.status_code == 400
    assert "06041" in response.content.decode()
    assert Case.objects.count() == 0


@pytest.mark.parametrize("query", ["?unit=abc", "?unit=999999", "?period=custom&from=x&to=2026-99-01",
                                   "?stage=nope&class=%00", "?page=-4", "?point=999999", "?community=abc"])
def test_hostile_parameters_never_500(world, waste, signed_in, query):
    client = signed_in(world.people.leader)
    for url in PAGES:
        assert client.get(url + query).status_code in (200, 400, 404)
