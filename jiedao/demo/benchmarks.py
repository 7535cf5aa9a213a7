"""The benchmarking in the demo: the sample titles (美丽宜居示范街道, 省级文明街道), a peer sub-district
that already holds the title (东湖街道, its figures entered for the last three months), and
evidence submitted by the departments and reviewed by the secretary through the services, with the
replayed clock: two accepted, one rejected, one waiting for review. Idempotent: a criterion that
already has evidence, and a figure already entered, are left as they are."""

import io
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jiedao import clock
from jiedao.benchmarks.models import Criterion, PeerFigure, PeerUnit
from jiedao.benchmarks.services import benchmarks_seed, evidence_review, evidence_submit
from jiedao.evaluation.periods import period_named

from .replay import demo_photo_bytes
from .territory import DemoPeople

PEER_NAME = "东湖街道（示例）"
# An advanced sub-district a little ahead of ours on every figure (ours: jiedao/demo/README.md),
# three months, oldest first.
PEER_FIGURES = {
    "按期结案率": ("91.2", "92.0", "93.1"),
    "群众满意率": ("93.5", "94.0", "94.6"),
    "返工率": ("3.4", "3.1", "2.8"),
    "超期未处置案件": ("9", "7", "6"),
    "综合指标值": ("86.4", "87.2", "88.0"),
    "结案率": ("96.0", "96.5", "97.1"),
    "按期处置率": ("90.5", "91.3", "92.4"),
    "一次完成率": ("94.0", "94.8", "95.2"),
    # an inspection checklist's average (the placeholder criterion, once the inspections app measures it)
    "市容环境考评": ("88.6", "89.4", "90.1"),
    # its own 三清三拆三整治 special action, completed last month (the criterion exists once the
    # campaigns app gives the measure: jiedao/demo/campaigns.py)
    "专项行动完成率": ("62.5", "88.0", "100.0"),
}
# (title, criterion, submitter's username, days ago, files, note, decision, reason)
EVIDENCE = [
    ("美丽宜居示范街道", "长效保洁机制", "huanwei_admin", 24, ("docx",),
     "《青溪街道环境卫生长效保洁管理办法》正式印发稿", "accepted", ""),
    ("美丽宜居示范街道", "背街小巷整治", "chengguan_admin", 12, ("photo", "photo"),
     "桃源路、柳岸巷整治前照片", "rejected", "只有整治前照片，缺少整治后对比照片和整治台账，请补充后重新提交"),
    ("省级文明街道", "新时代文明实践站建设", "guihua_admin", 20, ("docx", "photo"),
     "实践站建设台账及揭牌照片", "accepted", ""),
    ("省级文明街道", "志愿服务常态化", "yuanlin_admin", 3, ("photo",),
     "11 月志愿服务活动照片", "", ""),
]


def _document(title: str, note: str) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(title, level=1)
    document.add_paragraph(note)
    document.add_paragraph("（演示数据）")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _files(kinds: tuple[str, ...], criterion: str, note: str) -> list[SimpleUploadedFile]:
    files = []
    for index, kind in enumerate(kinds, start=1):
        if kind == "docx":
            files.append(SimpleUploadedFile(f"{criterion}.docx", _document(criterion, note)))
        else:
            files.append(SimpleUploadedFile(f"{criterion}-{index}.jpg", demo_photo_bytes(), content_type="image/jpeg"))
    return files


def _peer_figures(peer: PeerUnit, now) -> int:
    months = []
    month = period_named("month", now=timezone.localtime(now))
    for _index in range(3):
        month = month.previous()
        months.append(month)
    months.reverse()
    written = 0
    for criterion in Criterion.objects.filter(title__is_sample=True, name__in=PEER_FIGURES,
                                              method="measure").select_related("title"):
        for period, value in zip(months, PEER_FIGURES[criterion.name], strict=True):
            _figure, created = PeerFigure.objects.get_or_create(
                peer=peer, criterion=criterion, first_day=period.first_day, last_day=period.last_day,
                defaults={"value": Decimal(value), "source_note": "东湖街道报送的月度数据（示例）"})
            written += created
    return written


def demo_benchmarks_seed(*, people: DemoPeople) -> dict[str, int]:
    """The sample titles, the peer's figures and the evidence. Returns what was written."""
    seeded = benchmarks_seed()
    now = clock.now()
    peer, _created = PeerUnit.objects.get_or_create(
        name=PEER_NAME, defaults={"description": "邻区已获评美丽宜居示范街道、省级文明街道的街道，数据为其报送的月度数字（示例）",
                                  "is_sample": True})
    figures = _peer_figures(peer, now)
    reviewer = people.by_username.get("leader")
    submitted = 0
    for title, name, username, days_ago, kinds, note, decision, reason in EVIDENCE:
        criterion = Criterion.objects.filter(title__name=title, name=name).first()
        submitter = people.by_username.get(username)
        if criterion is None or submitter is None or criterion.submissions.exists():
            continue
        at = timezone.localtime(now - timedelta(days=days_ago)).replace(hour=10, minute=20, second=0, microsecond=0)
        with clock.frozen(at):
            submission = evidence_submit(criterion=criterion, by=submitter, files=_files(kinds, name, note), note=note)
        submitted += 1
        if decision and reviewer is not None:
            with clock.frozen(at + timedelta(days=2, hours=5)):
                evidence_review(submission=submission, by=reviewer, accepted=decision == "accepted", reason=reason)
    return {"titles": seeded.titles, "criteria": seeded.criteria, "peer_figures": figures,
            "evidence": submitted}
