"""The checklist pages through HTTP, per persona: readers see the versions in force, editors revise,
import and publish, everyone else is refused and nothing changes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jiedao.audit.models import SecurityEvent
from jiedao.checklists import workbook
from jiedao.checklists.models import Checklist, ChecklistItem, ChecklistVersion, VersionStatus
from jiedao.checklists.seeds import checklists_seed
from jiedao.checklists.tests.test_workbook import OFFICE_SHEET, xlsx
from jiedao.checklists.workbook import sheet_read

READERS = ["leader", "area_leader", "secretary", "inspector"]
REFUSED = ["handler", "department_admin", "dispatcher", "intake_clerk", "grid_worker"]
RURAL = "/checklists/rural-living/v1/"


@pytest.fixture
def samples(world):
    checklists_seed()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(data: bytes, name="细则.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def snapshot():
    return (list(ChecklistVersion.objects.order_by("pk").values_list("pk", "number", "status")),
            list(ChecklistItem.objects.order_by("pk").values_list("pk", "name", "max_score")))


@pytest.mark.parametrize("persona", READERS)
def test_readers_see_the_list_and_the_sheet(world, samples, persona):
    client = client_for(getattr(world.people, persona))

    listing = client.get("/checklists/")
    page = client.get(RURAL)

    assert listing.status_code == 200 and page.status_code == 200
    text = listing.content.decode()
    for name in ("农村人居环境整治考评细则（示例）", "生活垃圾分类住宅小区检查考评细则（示例）",
                 "建筑工地扬尘防治“六个百分百”检查表（示例）", "街面市容环境考评细则（示例）"):
        assert name in text
    assert text.count('class="badge badge--sample"') == 4
    sheet = page.content.decode()
    assert "示例内容" in sheet and "sample-banner" in sheet
    assert "每个自然村随机走访5户" in sheet and "发现露天焚烧垃圾、秸秆、树叶" in sheet
    assert "06010 暴露垃圾" in sheet
    assert 'href="/checklists/"' in sheet  # the navigation link
    # A reader gets no editing tools.
    assert ("新建修订版本" in sheet) is (persona == "leader")


@pytest.mark.parametrize("persona", REFUSED)
def test_everyone_else_is_refused(world, samples, persona):
    client = client_for(getattr(world.people, persona))

    assert client.get("/checklists/").status_code == 403
    assert client.get(RURAL).status_code == 403
    assert client.get(RURAL + "export.xlsx").status_code == 403
    assert 'href="/checklists/"' not in client.get("/").content.decode()


def test_a_signed_out_visitor_is_sent_to_sign_in(world, samples):
    response = Client().get(RURAL)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_export_is_the_sheet_and_is_logged(world, samples):
    response = client_for(world.people.secretary).get(RURAL + "export.xlsx")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="checklist-rural-living-v1.xlsx"'
    read = sheet_read(response.content)
    assert [section.name for section in read.sections] == ["厕所革命", "村庄清洁", "垃圾治理", "“四边”清洁", "长效管护",
                                                            "村容村貌"]
    event = SecurityEvent.objects.get(kind="export")
    assert (event.actor_id, event.detail["file"], event.detail["rows"], event.detail["version"]) == (
        world.people.secretary.pk, "checklist-rural-living-v1.xlsx", 17, 1)


def test_an_editor_revises_imports_and_publishes(world, samples):
    client = client_for(world.people.leader)

    revised = client.post("/checklists/rural-living/revise/")
    assert revised.status_code == 302 and revised["Location"] == "/checklists/rural-living/v2/"
    imported = client.post("/checklists/rural-living/v2/import/", {"file": upload(xlsx(OFFICE_SHEET))}, follow=True)
    assert imported.status_code == 200
    page = imported.content.decode()
    assert "已导入 4 个部分、5 个条目（草稿，尚未发布）" in page
    assert "5 个条目的计分方式是从评分标准的文字识别的" in page
    assert "扣分，每处 0.5 分，最多扣 6 分" in page  # the 五堆 row, read from its words, shown for checking
    # The version in force is still version 1 until the draft is published.
    assert Checklist.objects.get(code="rural-living").versions.get(status=VersionStatus.PUBLISHED).number == 1

    published = client.post("/checklists/rural-living/v2/publish/", {"note": "按本街道细则"}, follow=True)

    assert published.status_code == 200
    versions = dict(Checklist.objects.get(code="rural-living").versions.values_list("number", "status"))
    assert versions == {1: VersionStatus.RETIRED, 2: VersionStatus.PUBLISHED}
    v2 = ChecklistVersion.objects.get(checklist__code="rural-living", number=2)
    assert (v2.published_by, v2.change_note) == (world.people.leader, "按本街道细则")
    assert "由文字识别的条目" not in client.get("/checklists/rural-living/v2/").content.decode()
    history = client.get(RURAL).content.decode()
    assert "已停用" in history and "按本街道细则" in history


def test_a_bad_sheet_shows_its_rows_and_writes_nothing(world, samples):
    client = client_for(world.people.leader)
    client.post("/checklists/rural-living/revise/")
    before = snapshot()
    bad = [("一", "村庄清洁", "", 10, ""), ("1", "垃圾", "", "五分", "每处扣1分"), ("2", "五堆", "", 5, "视情况扣分")]

    response = client.post("/checklists/rural-living/v2/import/", {"file": upload(xlsx(bad))})

    assert response.status_code == 400
    page = response.content.decode()
    assert "导入失败，未写入任何内容：共 2 处问题" in page
    assert "<td>5</td><td>分值</td><td>“分值”应为阿拉伯数字（如 5 或 5分），而不是“五分”</td>" in page
    assert "<td>6</td><td>评分标准</td>" in page
    assert snapshot() == before


def test_a_file_too_large_is_refused_before_it_is_read(world, samples, monkeypatch):
    client = client_for(world.people.leader)
    client.post("/checklists/rural-living/revise/")
    before = snapshot()
    monkeypatch.setattr(workbook, "MAX_BYTES", 100)

    response = client.post("/checklists/rural-living/v2/import/", {"file": upload(xlsx(OFFICE_SHEET))})

    assert response.status_code == 400
    assert "文件太大（上限 0 MB）" in response.content.decode()
    assert snapshot() == before


def test_a_draft_with_problems_is_not_published(world, samples):
    client = client_for(world.people.leader)
    client.post("/checklists/new/", {"name": "背街小巷", "code": "back-lanes", "applies_to": "背街小巷"})

    response = client.post("/checklists/back-lanes/v1/publish/", follow=True)

    assert "未发布：版本没有任何条目，不能发布" in response.content.decode()
    assert ChecklistVersion.objects.get(checklist__code="back-lanes").status == VersionStatus.DRAFT


def test_a_new_checklist_needs_a_free_code(world, samples):
    client = client_for(world.people.leader)

    taken = client.post("/checklists/new/", {"name": "重复", "code": "dust-six"})
    not_a_slug = client.post("/checklists/new/", {"name": "中文编号", "code": "背街"})

    assert taken.status_code == 400 and "编号 dust-six 已被使用" in taken.content.decode()
    assert not_a_slug.status_code == 400
    assert Checklist.objects.count() == 4


@pytest.mark.parametrize("persona", ["secretary", "inspector", "area_leader", "handler"])
def test_non_editors_change_nothing(world, samples, persona):
    leader = client_for(world.people.leader)
    leader.post("/checklists/rural-living/revise/")
    before = snapshot()
    client = client_for(getattr(world.people, persona))

    answers = [
        client.post("/checklists/dust-six/revise/"),
        client.post("/checklists/rural-living/v2/import/", {"file": upload(xlsx(OFFICE_SHEET))}),
        client.post("/checklists/rural-living/v2/publish/"),
        client.post("/checklists/new/", {"name": "x", "code": "x"}),
    ]

    assert [answer.status_code for answer in answers] == [403, 403, 403, 403]
    assert snapshot() == before


def test_a_draft_is_the_editors_only(world, samples):
    client_for(world.people.leader).post("/checklists/rural-living/revise/")

    reader = client_for(world.people.secretary)

    assert reader.get("/checklists/rural-living/v2/").status_code == 404
    assert reader.get("/checklists/rural-living/v2/export.xlsx").status_code == 404
    assert reader.get("/checklists/rural-living/").headers["Location"] == RURAL
    assert "第 2 版" not in reader.get(RURAL).content.decode()
    assert "第 2 版" in client_for(world.people.leader).get(RURAL).content.decode()


def test_changes_are_posts_only(world, samples):
    client = client_for(world.people.leader)
    for path in ("/checklists/rural-living/revise/", "/checklists/rural-living/v1/publish/",
                 "/checklists/rural-living/v1/import/", "/checklists/new/"):
        assert client.get(path).status_code == 405
    assert ChecklistVersion.objects.count() == 4


def test_a_published_version_takes_no_import(world, samples):
    client = client_for(world.people.leader)
    before = snapshot()

    response = client.post(RURAL + "import/", {"file": upload(xlsx(OFFICE_SHEET))}, follow=True)

    assert "已发布的版本不能修改" in response.content.decode()
    assert snapshot() == before


def test_in_english_the_page_and_the_row_errors_are_english(world, samples):
    from django.conf import settings

    client = client_for(world.people.leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post("/checklists/rural-living/revise/")
    bad = [("一", "村庄清洁", "", 10, ""), ("1", "垃圾", "", "五分", "每处扣1分")]

    page = client.get(RURAL).content.decode()
    refused = client.post("/checklists/rural-living/v2/import/", {"file": upload(xlsx(bad))}).content.decode()

    assert "Version history" in page and "Full marks" in page
    assert "Import failed, nothing was written: 1 problem(s)" in refused
    assert "<td>5</td><td>分值</td><td>“分值” must be written in digits (e.g. 5 or 5分), not “五分”</td>" in refused
