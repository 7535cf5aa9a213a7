"""The benchmarking pages through HTTP: who reads them, bad parameters, the documents holding the
page's numbers, the evidence pages (upload, review, files) by persona."""

import io

import pytest
from django.test import Client

from jiedao.audit.models import SecurityEvent
from jiedao.benchmarks.models import Criterion, EvidenceFile, EvidenceSubmission, Method
from jiedao.benchmarks.services import evidence_submit

from .test_evidence import pdf_bytes, stored_files, upload

pytestmark = pytest.mark.django_db

NOVEMBER_QUERY = {"period": "custom", "from": "2026-11-01", "to": "2026-11-30"}


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def gap_url(title) -> str:
    return f"/benchmarks/{title.title.pk}/"


@pytest.mark.parametrize("person", ["leader", "area_leader", "secretary", "other_secretary"])
def test_the_dashboards_readers_read_the_gap_report(world, november, title, person):
    response = signed_in(getattr(world.people, person)).get(gap_url(title), NOVEMBER_QUERY)

    assert response.status_code == 200
    page = response.content.decode()
    # 按期结案率 60.0 % against ≥ 90 %, 柳岸 and 桃源 holding it down; 返工率 20.0 % against ≤ 5 %.
    for text in ("60.0%", "≥ 90.0%", "−30.0 个百分点", "柳岸社区</a> 50.0%", "20.0%", "≤ 5.0%", "−15.0 个百分点",
                 "0 / 3"):
        assert text in page, text


@pytest.mark.parametrize("person", ["handler", "department_admin", "grid_worker", "dispatcher"])
def test_others_do_not_open_it(world, november, title, person):
    client = signed_in(getattr(world.people, person))

    assert client.get(gap_url(title)).status_code == 403
    assert client.get("/benchmarks/").status_code == 403


def test_a_visitor_is_sent_to_sign_in(world, title):
    response = Client().get(gap_url(title))

    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_list_of_titles_shows_where_each_stands(world, november, title):
    response = signed_in(world.people.leader).get("/benchmarks/", NOVEMBER_QUERY)

    assert response.status_code == 200
    page = response.content.decode()
    assert "美丽宜居示范街道" in page and "<strong>0</strong> / 3" in page


@pytest.mark.parametrize("query", [
    {"period": "decade"}, {"period": "custom", "from": "2026-13-01", "to": "2026-11-30"},
    {"period": "custom", "from": "2026-11-30", "to": "2026-11-01"}, {"period": "custom", "from": "2026-11-01"},
    {"peer": "999999"}, {"peer": "abc"}, {"format": "exe"}, {"from": "0001-01-01", "period": "custom", "to": "x"},
])
def test_bad_parameters_are_a_400(world, november, title, query):
    response = signed_in(world.people.leader).get(gap_url(title), query)

    assert response.status_code == 400


def test_a_title_that_does_not_exist_is_a_404(world, title):
    assert signed_in(world.people.leader).get("/benchmarks/999999/").status_code == 404


def _numbers(report_text: str) -> None:
    for text in ("60.0%", "≥ 90.0%", "−30.0 个百分点", "20.0%", "≤ 5.0%", "柳岸社区"):
        assert text in report_text, text


def test_the_pdf_holds_the_pages_numbers(world, november, title):
    from pypdf import PdfReader

    response = signed_in(world.people.leader).get(gap_url(title), {**NOVEMBER_QUERY, "format": "pdf"})

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="benchmark-{title.title.pk}-20261101-20261130.pdf"')
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    _numbers(text.replace("\n", ""))


def test_the_word_file_holds_the_pages_numbers(world, november, title):
    from docx import Document

    response = signed_in(world.people.leader).get(gap_url(title), {**NOVEMBER_QUERY, "format": "docx"})

    document = Document(io.BytesIO(response.content))
    cells = " ".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    _numbers(cells)


def test_the_spreadsheet_holds_the_figures_as_numbers(world, november, title):
    from decimal import Decimal

    from openpyxl import load_workbook

    response = signed_in(world.people.leader).get(gap_url(title), {**NOVEMBER_QUERY, "format": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    header, on_time, rework = rows[0], rows[1], rows[2]
    assert on_time[header.index("指标")] == "按期结案率"
    assert Decimal(str(on_time[header.index("现状")])) == Decimal("60.0")
    assert Decimal(str(on_time[header.index("差距")])) == Decimal("-30.0")
    assert Decimal(str(rework[header.index("现状")])) == Decimal("20.0")
    assert "柳岸社区 50.0%" in on_time[header.index("拖后腿的社区")]


def test_every_download_is_in_the_security_log(world, november, title):
    client = signed_in(world.people.leader)

    for wanted in ("pdf", "docx", "xlsx"):
        client.get(gap_url(title), {**NOVEMBER_QUERY, "format": wanted})

    names = [event.detail["file"] for event in SecurityEvent.objects.filter(kind="export")
             .order_by("pk")]
    assert [name.rsplit(".", 1)[-1] for name in names] == ["pdf", "docx", "xlsx"]


# ---------------------------------------------------------------- evidence pages

def evidence_url(criterion) -> str:
    return f"/benchmarks/criteria/{criterion.pk}/evidence/"


def test_the_department_sees_its_evidence_criteria_only(world, clock, title):
    other = Criterion.objects.create(title=title.title, name="背街小巷整治", method=Method.EVIDENCE,
                                     department=world.enforcement)
    client = signed_in(world.people.handler)

    listing = client.get("/benchmarks/evidence/")

    assert listing.status_code == 200
    assert [row["criterion"] for row in listing.context["rows"]] == [title.cleaning]
    assert client.get(evidence_url(title.cleaning)).status_code == 200
    assert client.get(evidence_url(other)).status_code == 404
    assert signed_in(world.people.grid_worker).get("/benchmarks/evidence/").status_code == 403


def test_an_upload_through_the_page(world, clock, title):
    response = signed_in(world.people.handler).post(evidence_url(title.cleaning), {
        "note": "管理办法", "files": [upload("办法.pdf", pdf_bytes())]})

    assert response.status_code == 302
    submission = EvidenceSubmission.objects.get()
    assert (submission.note, submission.files.get().original_name) == ("管理办法", "办法.pdf")


def test_a_bad_upload_through_the_page_says_why_and_keeps_nothing(world, clock, title):
    response = signed_in(world.people.handler).post(evidence_url(title.cleaning), {
        "note": "管理办法", "files": [upload("办法.pdf", pdf_bytes()), upload("病毒.docx", b"MZ\x90")]})

    assert response.status_code == 400
    assert "文件“病毒.docx”不是支持的格式" in response.content.decode()
    assert EvidenceSubmission.objects.count() == 0 and EvidenceFile.objects.count() == 0 and stored_files() == []


def test_another_department_cannot_post_to_a_criterion(world, clock, title):
    response = signed_in(world.people.other_handler).post(evidence_url(title.cleaning), {
        "files": [upload("办法.pdf", pdf_bytes())]})

    assert response.status_code == 404
    assert EvidenceSubmission.objects.count() == 0


def test_a_leader_reviews_through_the_page(world, clock, title):
    submission = evidence_submit(criterion=title.cleaning, by=world.people.handler,
                                 files=[upload("办法.pdf", pdf_bytes())])
    review = f"/benchmarks/submissions/{submission.pk}/review/"

    refused = signed_in(world.people.secretary).post(review, {"decision": "accepted"})
    signed_in(world.people.leader).post(review, {"decision": "rejected", "reason": "缺少印发文号"})

    assert refused.status_code == 403
    submission.refresh_from_db()
    assert (submission.decision, submission.decision_reason, submission.decided_by) == (
        "rejected", "缺少印发文号", world.people.leader)
    page = signed_in(world.people.handler).get(evidence_url(title.cleaning)).content.decode()
    assert "缺少印发文号" in page and "不通过" in page


def test_evidence_files_are_served_only_to_their_readers(world, clock, title):
    from jiedao.conftest import jpeg_bytes

    submission = evidence_submit(criterion=title.cleaning, by=world.people.handler,
                                 files=[upload("办法.pdf", pdf_bytes()), upload("a.jpg", jpeg_bytes(), "image/jpeg")])
    document, photo = submission.files.order_by("pk")

    downloaded = signed_in(world.people.leader).get(f"/benchmarks/files/{document.pk}/file/")
    thumbnail = signed_in(world.people.handler).get(f"/benchmarks/files/{photo.pk}/thumbnail/")

    assert downloaded.status_code == 200 and downloaded.content.startswith(b"%PDF-")
    assert downloaded["Content-Disposition"] == f'attachment; filename="evidence-{document.pk}.pdf"'
    assert SecurityEvent.objects.filter(kind="export").count() == 1
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"
    for person in ("other_handler", "grid_worker"):
        assert signed_in(getattr(world.people, person)).get(f"/benchmarks/files/{document.pk}/file/").status_code == 404
    assert signed_in(world.people.leader).get(f"/benchmarks/files/{document.pk}/thumbnail/").status_code == 404
