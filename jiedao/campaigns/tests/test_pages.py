"""The campaign pages through HTTP: who reads them at which level, the map's cases cut to what the
reader may open, the two forms, and the 日报/周报 files holding the page's numbers.

Besides the cases of conftest `scene`, 桃源's fringe (a 城乡结合部 of 桃源社区 reaching into 柳岸's grid 2)
holds case H, which lies in 柳岸's grid: it counts for the fringe, and 桃源's secretary sees it only
as "另有 1 件不在您的范围内"."""

import io
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook

from jiedao.campaigns.models import CampaignTarget, EvidenceFigure, KeyPlace, KeyPlaceKind
from jiedao.conftest import make_upload

from .conftest import at, reported, square_geometry

pytestmark = pytest.mark.django_db


@pytest.fixture
def fringe(world, clock, scene, campaign_world):
    place = KeyPlace.objects.create(kind=KeyPlaceKind.URBAN_FRINGE, name="桃源—柳岸结合部", buffer_m=0,
                                    geometry=square_geometry(120.115, 30.204, 120.125, 30.209), community=world.taoyuan)
    campaign_world.campaign.key_places.add(place)
    case = reported(world, clock, at(11, 14), lon=120.122, lat=30.207)
    clock.move_to(at(11, 17, 9))
    return {"place": place, "H": case}


def _page(client, person, campaign, **params):
    client.force_login(person)
    return client.get(f"/campaigns/{campaign.pk}/", params)


def test_the_leader_reads_the_whole_campaign(world, client, fringe, scene, campaign_world):
    response = _page(client, world.people.leader, campaign_world.campaign)

    assert response.status_code == 200
    progress = response.context["progress"]
    assert progress.level == world.subdistrict
    assert [row.name for row in progress.communities] == ["桃源社区", "柳岸社区"]
    assert progress.completion == Decimal("58.3")
    points = {point["number"] for point in response.context["map_data"]["points"]}
    assert points == {scene["B"].number, fringe["H"].number}  # the work left: open cases only
    assert response.context["hidden_count"] == 0
    page = response.content.decode()
    assert "58.3%" in page and "不在您的范围内" not in page
    assert page.count('data-community="') == 2


def test_a_secretary_reads_their_community_and_the_rest_only_counted(world, client, fringe, scene,
                                                                     campaign_world):
    response = _page(client, world.people.secretary, campaign_world.campaign)

    assert response.status_code == 200
    progress = response.context["progress"]
    assert progress.level == world.taoyuan
    assert [row.name for row in progress.communities] == ["桃源社区"]
    assert [row.name for row in progress.key_places] == ["桃源背街", "桃源—柳岸结合部"]
    fringe_row = next(row for row in progress.key_places if row.place == fringe["place"])
    assert fringe_row.total.found == 1  # H, in 柳岸's grid
    points = {point["number"] for point in response.context["map_data"]["points"]}
    assert points == {scene["B"].number}
    assert response.context["hidden_count"] == 1  # H: open, in the fringe, in 柳岸's grid
    page = response.content.decode()
    assert "另有 1 件不在您的范围内" in page
    assert fringe["H"].number not in page and scene["C"].number not in page


def test_a_secretary_cannot_drill_into_another_community(world, client, scene, campaign_world):
    response = _page(client, world.people.secretary, campaign_world.campaign, unit=world.liuan.pk)

    assert response.status_code == 404


def test_the_leader_drills_down_to_a_community(world, client, scene, campaign_world):
    response = _page(client, world.people.leader, campaign_world.campaign, unit=world.liuan.pk)

    assert response.status_code == 200
    assert response.context["progress"].completion == Decimal("100.0")
    assert [unit.name for unit in response.context["trail"]] == ["青溪街道", "东片", "柳岸社区"]


@pytest.mark.parametrize("person", ["handler", "grid_worker", "dispatcher"])
def test_people_without_the_leaders_view_are_refused(world, client, scene, campaign_world, person):
    client.force_login(getattr(world.people, person))
    pk = campaign_world.campaign.pk

    for path in ("/campaigns/", f"/campaigns/{pk}/", f"/campaigns/{pk}/report/",
                 f"/campaigns/{pk}/report/download/?format=xlsx"):
        assert client.get(path).status_code == 403, path
    assert client.post(f"/campaigns/{pk}/targets/", {"line": campaign_world.garbage.pk,
                                                     "target_unit": world.taoyuan.pk, "value": "9"}).status_code == 403
    assert CampaignTarget.objects.filter(value=9).count() == 0


def test_a_campaign_outside_every_scope_of_the_reader_is_not_found(world, client, scene, campaign_world):
    campaign_world.campaign.scope = world.liuan
    campaign_world.campaign.save()

    response = _page(client, world.people.secretary, campaign_world.campaign)

    assert response.status_code == 404
    client.force_login(world.people.secretary)
    assert campaign_world.campaign.name not in client.get("/campaigns/").content.decode()


# ---------------------------------------------------------------- the forms

def test_the_leader_sets_a_target_on_the_page(world, client, scene, campaign_world):
    client.force_login(world.people.leader)

    response = client.post(f"/campaigns/{campaign_world.campaign.pk}/targets/",
                           {"line": campaign_world.garbage.pk, "target_unit": world.liuan.pk, "value": "4",
                            "unit": world.subdistrict.pk})

    assert response.status_code == 302
    assert CampaignTarget.objects.get(unit=world.liuan, key_place=None).value == Decimal(4)
    assert _page(client, world.people.leader, campaign_world.campaign).context["progress"].completion == Decimal(
        "41.7")  # (25 % + 50 % + 50 %) / 3


def test_a_bad_target_on_the_page_is_a_message_and_nothing_changes(world, client, scene, campaign_world):
    client.force_login(world.people.leader)

    response = client.post(f"/campaigns/{campaign_world.campaign.pk}/targets/",
                           {"line": campaign_world.garbage.pk, "target_unit": world.liuan.pk, "value": "-4"},
                           follow=True)

    assert "目标未保存：目标值不能为负数" in response.content.decode()
    assert CampaignTarget.objects.get(unit=world.liuan, key_place=None).value == Decimal(2)


def test_a_secretary_enters_a_figure_for_their_community(world, client, scene, campaign_world):
    client.force_login(world.people.secretary)

    response = client.post(f"/campaigns/{campaign_world.campaign.pk}/figures/", {
        "line": campaign_world.buildings.pk, "community": world.taoyuan.pk, "on_date": "2026-11-16", "count": "2",
        "quantity": "80", "note": "拆除违建两处", "photos": [make_upload()]})

    assert response.status_code == 302
    figure = EvidenceFigure.objects.get()
    assert (figure.count, figure.quantity, figure.entered_by) == (2, Decimal(80), world.people.secretary)
    photo = figure.photos.get()
    assert client.get(f"/campaigns/figures/{figure.pk}/photos/{photo.pk}/thumbnail/").status_code == 200
    client.force_login(world.people.other_secretary)  # 柳岸's secretary does not read 桃源's evidence
    assert client.get(f"/campaigns/figures/{figure.pk}/photos/{photo.pk}/thumbnail/").status_code == 404


def test_a_bad_figure_comes_back_with_its_values_and_the_reason(world, client, scene, campaign_world):
    client.force_login(world.people.secretary)

    response = client.post(f"/campaigns/{campaign_world.campaign.pk}/figures/", {
        "line": campaign_world.buildings.pk, "community": world.taoyuan.pk, "on_date": "2026-11-16", "count": "2",
        "note": "拆除违建两处"})

    assert response.status_code == 400
    assert response.context["figure_errors"]["photos"] == "请上传现场照片或佐证文件（PDF）"
    assert response.context["figure_form"]["note"] == "拆除违建两处"
    assert EvidenceFigure.objects.count() == 0


def test_a_secretary_cannot_enter_a_figure_for_another_community(world, client, scene, campaign_world):
    client.force_login(world.people.secretary)

    response = client.post(f"/campaigns/{campaign_world.campaign.pk}/figures/", {
        "line": campaign_world.buildings.pk, "community": world.liuan.pk, "on_date": "2026-11-16", "count": "2",
        "note": "x", "photos": [make_upload()]})

    assert response.status_code == 403
    assert EvidenceFigure.objects.count() == 0


# ---------------------------------------------------------------- 日报 / 周报

def _download(client, campaign, **params):
    return client.get(f"/campaigns/{campaign.pk}/report/download/", params)


def test_the_daily_workbook_holds_the_pages_numbers(world, client, scene, campaign_world):
    page = _page(client, world.people.leader, campaign_world.campaign).context["progress"]

    response = _download(client, campaign_world.campaign, kind="daily", format="xlsx")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="campaign-sanqing-daily-20261117.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    rows = [row for row in workbook["各社区进度"].iter_rows(min_row=5, values_only=True)]
    assert [(name, round(float(share) * 100, 1), found, done) for name, share, found, done, *_rest in rows] == [
        (row.name, float(row.completion), row.total.found, row.total.done) for row in page.communities]
    assert rows == [("桃源社区", 0.375, 2, 1, 0, 0), ("柳岸社区", 1, 1, 2, 0, 0)]
    lines = list(workbook["分项进度"].iter_rows(min_row=5, values_only=True))
    assert lines[0][:4] == ("三清", "清积存垃圾", 6, 3)
    assert lines[0][7] == pytest.approx(float(page.line_rows[0].completion) / 100)  # 58.3 %, as on the page
    assert workbook.sheetnames == ["分项进度", "各社区进度", "各社区分项明细", "重点区域进度", "口径"]


def test_the_weekly_pdf_is_a_pdf(world, client, scene, campaign_world):
    client.force_login(world.people.leader)

    response = _download(client, campaign_world.campaign, kind="weekly", format="pdf")

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_the_word_report_holds_the_pages_numbers(world, client, scene, campaign_world):
    client.force_login(world.people.leader)

    response = _download(client, campaign_world.campaign, kind="daily", format="docx")

    document = Document(io.BytesIO(response.content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "青溪街道累计发现问题 3 件，完成 3 处（案件结案 3 件，佐证录入 0 处），目标完成率 58.3%。" in text
    communities = next(table for table in document.tables if table.rows[0].cells[0].text == "社区（村）")
    assert [[cell.text for cell in row.cells] for row in communities.rows[1:]] == [
        ["桃源社区", "37.5%", "2", "1", "0", "0"], ["柳岸社区", "100.0%", "1", "2", "0", "0"]]


def test_a_report_of_an_earlier_day_counts_up_to_that_day(world, client, scene, campaign_world):
    client.force_login(world.people.leader)

    response = client.get(f"/campaigns/{campaign_world.campaign.pk}/report/", {"kind": "daily", "date": "2026-11-12"})

    assert response.status_code == 200
    progress = response.context["report"].progress
    assert (progress.total.found, progress.total.done, progress.total.done_recent) == (3, 2, 1)  # A closed 11-12


def test_a_bad_report_parameter_is_a_400(world, client, scene, campaign_world):
    client.force_login(world.people.leader)

    assert _download(client, campaign_world.campaign, format="exe").status_code == 400
    assert _download(client, campaign_world.campaign, date="2026-13-01").status_code == 400


def test_an_evidence_figure_names_its_case_only_to_a_reader_who_may_open_it(world, client, campaign_world):
    from jiedao import clock as jiedao_clock
    from jiedao.conftest import report

    # A figure of 柳岸 linked to a case of 桃源 (written past the service, which would refuse it): the
    # page must still not name to 柳岸's secretary a case only 桃源's people may open.
    case = report(world)
    EvidenceFigure.objects.create(campaign=campaign_world.campaign, line=campaign_world.garbage,
                                  community=world.liuan, case=case, on_date=jiedao_clock.now().date(), count=0,
                                  quantity=Decimal(12), note="清运", entered_by=world.people.leader,
                                  entered_at=jiedao_clock.now())

    hidden = _page(client, world.people.other_secretary, campaign_world.campaign).content.decode()
    shown = _page(client, world.people.leader, campaign_world.campaign).content.decode()

    assert case.number not in hidden and "关联案件（不在您的范围内）" in hidden
    assert f"关联案件 {case.number}" in shown
