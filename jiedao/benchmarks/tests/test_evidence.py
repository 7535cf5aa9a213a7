"""Evidence: who submits and reviews, the states it goes through, and uploads refused with nothing kept."""

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from jiedao import clock as domain_clock
from jiedao.benchmarks.models import Decision, EvidenceFile, EvidenceSubmission
from jiedao.benchmarks.selectors import Status, gap_report
from jiedao.benchmarks.services import evidence_review, evidence_submit
from jiedao.conftest import jpeg_bytes

from .conftest import NOVEMBER

pytestmark = pytest.mark.django_db


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def office_bytes(main_part: str, *extra: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(main_part, "<document/>")
        for part in extra:
            package.writestr(part, "x")
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_the_responsible_department_submits_documents_and_photos(world, clock, title):
    submission = evidence_submit(
        criterion=title.cleaning, by=world.people.handler, note="保洁管理办法（印发稿）",
        files=[upload("../../管理办法.pdf", pdf_bytes()), upload("办法.docx", office_bytes("word/document.xml")),
               upload("台账.xlsx", office_bytes("xl/workbook.xml")), upload("现场.jpg", jpeg_bytes(), "image/jpeg")])

    files = list(submission.files.order_by("pk"))
    assert [(f.kind, f.extension, f.original_name) for f in files] == [
        ("document", "pdf", "管理办法.pdf"), ("document", "docx", "办法.docx"), ("document", "xlsx", "台账.xlsx"),
        ("photo", "jpg", "现场.jpg")]
    assert files[3].thumbnail.name and files[0].file.read().startswith(b"%PDF-")
    assert submission.decision == "" and submission.submitted_by == world.people.handler


@pytest.mark.parametrize("person", ["other_handler", "secretary", "grid_worker"])
def test_others_may_not_submit(world, clock, title, person):
    with pytest.raises(PermissionDenied):
        evidence_submit(criterion=title.cleaning, by=getattr(world.people, person),
                        files=[upload("a.pdf", pdf_bytes())])

    assert EvidenceSubmission.objects.count() == 0


def test_a_measured_criterion_takes_no_evidence(world, clock, title):
    with pytest.raises(ValidationError) as refused:
        evidence_submit(criterion=title.on_time, by=world.people.leader, files=[upload("a.pdf", pdf_bytes())])

    assert refused.value.messages == ["该指标由系统数据考核，无需上传佐证材料"]


@pytest.mark.parametrize("files, message", [
    ([upload("办法.pdf", b"MZ\x90\x00 this is a program")], "文件“办法.pdf”不是支持的格式"),
    ([upload("办法.pdf", b"%PDF-1.4 cut off in the middle")], "文件“办法.pdf”不是完整的 PDF"),
    ([upload("宏.docx", office_bytes("word/document.xml", "word/vbaProject.bin"))], "文件“宏.docx”含有宏"),
    ([upload("压缩包.docx", office_bytes("readme.txt"))], "文件“压缩包.docx”不是支持的格式"),
    ([upload("坏.zip.docx", b"PK\x03\x04broken")], "文件“坏.zip.docx”不是支持的格式"),
    ([upload("空.pdf", b"")], "文件“空.pdf”是空的"),
    ([upload("假.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "image/jpeg")], "文件“假.jpg”不是支持的格式"),
    ([], "请至少上传一个文件"),
    ([upload(f"{n}.pdf", pdf_bytes()) for n in range(11)], "一次最多上传 10 个文件"),
    # a good file and a bad one: the whole submission is refused
    ([upload("好.pdf", pdf_bytes()), upload("坏.exe", b"MZ")], "文件“坏.exe”不是支持的格式"),
])
def test_a_bad_upload_is_refused_and_nothing_is_kept(world, clock, title, files, message):
    with pytest.raises(ValidationError) as refused:
        evidence_submit(criterion=title.cleaning, by=world.people.handler, files=files)

    assert refused.value.messages[0].startswith(message)
    assert EvidenceSubmission.objects.count() == 0 and EvidenceFile.objects.count() == 0
    assert stored_files() == []


def test_a_file_over_the_limit_is_refused(world, clock, title, settings):
    settings.JIEDAO_EVIDENCE_FILE_MAX_BYTES = 1024 * 1024

    with pytest.raises(ValidationError) as refused:
        evidence_submit(criterion=title.cleaning, by=world.people.handler,
                        files=[upload("大.pdf", b"%PDF-1.4" + b" " * 1024 * 1024 + b"%%EOF")])

    assert refused.value.messages == ["文件“大.pdf”太大（上限 1 MB）"]
    assert EvidenceSubmission.objects.count() == 0


def _submitted(world, title):
    return evidence_submit(criterion=title.cleaning, by=world.people.handler, files=[upload("a.pdf", pdf_bytes())])


def test_a_leader_accepts_it_and_the_criterion_is_met(world, clock, title):
    submission = evidence_review(submission=_submitted(world, title), by=world.people.leader, accepted=True)

    assert (submission.decision, submission.decided_by, submission.decided_at) == (
        Decision.ACCEPTED, world.people.leader, domain_clock.now())
    row = next(r for r in gap_report(title=title.title, period=NOVEMBER, detail=False).rows
               if r.criterion == title.cleaning)
    assert (row.status, row.met) == (Status.ACCEPTED, True)


def test_refusing_needs_a_reason_and_keeps_it(world, clock, title):
    submission = _submitted(world, title)

    with pytest.raises(ValidationError) as refused:
        evidence_review(submission=submission, by=world.people.leader, accepted=False, reason="  ")
    rejected = evidence_review(submission=submission, by=world.people.leader, accepted=False, reason="缺少印发文号")

    assert refused.value.messages == ["不通过时请填写审核意见"]
    assert (rejected.decision, rejected.decision_reason) == (Decision.REJECTED, "缺少印发文号")


def test_a_decision_is_made_once(world, clock, title):
    submission = evidence_review(submission=_submitted(world, title), by=world.people.leader, accepted=True)

    with pytest.raises(ValidationError) as refused:
        evidence_review(submission=submission, by=world.people.leader, accepted=False, reason="改主意")

    assert refused.value.messages == ["该材料已审核"]
    assert EvidenceSubmission.objects.get().decision == Decision.ACCEPTED


@pytest.mark.parametrize("person", ["handler", "department_admin", "secretary", "area_leader"])
def test_only_leaders_review_and_never_their_own(world, clock, title, person):
    submission = _submitted(world, title)

    with pytest.raises((PermissionDenied, ValidationError)):
        evidence_review(submission=submission, by=getattr(world.people, person), accepted=True)

    own = evidence_submit(criterion=title.cleaning, by=world.people.leader, files=[upload("b.pdf", pdf_bytes())])
    with pytest.raises(ValidationError) as refused:
        evidence_review(submission=own, by=world.people.leader, accepted=True)
    assert refused.value.messages == ["不能审核自己提交的材料"]
    assert set(EvidenceSubmission.objects.values_list("decision", flat=True)) == {""}


def test_a_new_submission_supersedes_and_the_history_stays(world, clock, title):
    first = evidence_review(submission=_submitted(world, title), by=world.people.leader, accepted=False,
                            reason="缺少附件")
    clock.shift(timedelta(days=1))
    second = _submitted(world, title)

    with pytest.raises(ValidationError) as refused:
        evidence_review(submission=first, by=world.people.leader, accepted=True)

    assert refused.value.messages == ["该材料已被新提交的材料取代，请审核最新的材料"]
    assert list(title.cleaning.submissions.order_by("-submitted_at")) == [second, first]
    assert EvidenceSubmission.objects.get(pk=first.pk).decision == Decision.REJECTED
    row = next(r for r in gap_report(title=title.title, period=NOVEMBER, detail=False).rows
               if r.criterion == title.cleaning)
    assert row.status == Status.PENDING
