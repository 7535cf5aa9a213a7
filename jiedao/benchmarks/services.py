"""Writes of the benchmarking: evidence submitted and reviewed, and the sample titles seeded."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiedao import clock
from jiedao.evaluation.measures import measures_available
from jiedao.territory.models import Organisation

from .access import may_review_evidence, may_submit_evidence
from .defaults import PLACEHOLDER_UNITS, TITLES
from .evidence_files import evidence_files_prepare
from .models import Criterion, Decision, EvidenceFile, EvidenceSubmission, Method, TargetTitle

LONGEST_NOTE = 2000


def latest_submission(*, criterion: Criterion) -> EvidenceSubmission | None:
    return criterion.submissions.order_by("-submitted_at", "-pk").first()


def evidence_submit(*, criterion: Criterion, by, files, note: str = "") -> EvidenceSubmission:
    """A new submission of evidence for a criterion (it supersedes the previous one, which stays).
    Every file is checked before anything is written: a refused file leaves nothing behind."""
    if not may_submit_evidence(user=by, criterion=criterion):
        raise PermissionDenied(_("您无权为该指标提交佐证材料"))
    if criterion.method != Method.EVIDENCE:
        raise ValidationError(_("该指标由系统数据考核，无需上传佐证材料"), code="measured")
    note = (note or "").strip()
    if len(note) > LONGEST_NOTE:
        raise ValidationError(_("说明不能超过 %(n)d 字") % {"n": LONGEST_NOTE}, code="note")
    prepared = evidence_files_prepare(files)
    with transaction.atomic():
        submission = EvidenceSubmission.objects.create(criterion=criterion, note=note, submitted_by=by,
                                                       submitted_at=clock.now())
        for item in prepared:
            stored = EvidenceFile(submission=submission, kind=item.kind, original_name=item.original_name,
                                  extension=item.extension, content_type=item.content_type,
                                  size_bytes=item.size_bytes)
            stored.file.save(item.file.name, item.file, save=False)
            if item.thumbnail is not None:
                stored.thumbnail.save(item.thumbnail.name, item.thumbnail, save=False)
            stored.save()
    return submission


def evidence_review(*, submission: EvidenceSubmission, by, accepted: bool, reason: str = "") -> EvidenceSubmission:
    """The reviewer's decision on the newest submission of a criterion, once; never by its submitter.
    Refusing it needs a reason."""
    if not may_review_evidence(user=by):
        raise PermissionDenied(_("您无权审核佐证材料"))
    if submission.submitted_by_id == by.pk:
        raise ValidationError(_("不能审核自己提交的材料"), code="own")
    reason = (reason or "").strip()
    if not accepted and not reason:
        raise ValidationError(_("不通过时请填写审核意见"), code="reason")
    if len(reason) > LONGEST_NOTE:
        raise ValidationError(_("审核意见不能超过 %(n)d 字") % {"n": LONGEST_NOTE}, code="reason_length")
    with transaction.atomic():
        newest = latest_submission(criterion=submission.criterion)
        if newest is None or newest.pk != submission.pk:
            raise ValidationError(_("该材料已被新提交的材料取代，请审核最新的材料"), code="superseded")
        decided = EvidenceSubmission.objects.filter(pk=submission.pk, decision="").update(
            decision=Decision.ACCEPTED if accepted else Decision.REJECTED, decision_reason=reason,
            decided_by=by, decided_at=clock.now())
        if decided != 1:
            raise ValidationError(_("该材料已审核"), code="decided")
    submission.refresh_from_db()
    return submission


# ---------------------------------------------------------------- the samples

@dataclass
class Seeded:
    titles: int = 0
    criteria: int = 0
    placeholders_waiting: int = 0


def _first_measure_key(wanted: str, units: dict[str, str]) -> str | None:
    """The measure a placeholder names (e.g. `inspection:street-appearance`) if it exists, else the
    first measure (by key) of its kind, in the unit the placeholder's required value is in."""
    kind = wanted.split(":", 1)[0] + ":"
    if units.get(wanted) == PLACEHOLDER_UNITS[kind]:
        return wanted
    return next((key for key in sorted(units) if key.startswith(kind) and units[key] == PLACEHOLDER_UNITS[kind]),
                None)


def benchmarks_seed() -> Seeded:
    """The sample titles and criteria that do not exist yet (idempotent; an administrator's edits are
    kept, matched by name). A placeholder waits until a measure of its kind exists."""
    seeded = Seeded()
    units = {measure.key: measure.unit for measure in measures_available()}
    departments = {organisation.code: organisation for organisation in Organisation.objects.all()}
    with transaction.atomic():
        for spec in TITLES:
            title, created = TargetTitle.objects.get_or_create(
                name=spec["name"], defaults={"level": spec["level"], "description": spec["description"],
                                             "is_sample": True})
            seeded.titles += created
            rows = list(spec["criteria"])
            for group, name, description, prefix, comparator, required, weight, department in spec["placeholders"]:
                key = _first_measure_key(prefix, units)
                if key is None:
                    seeded.placeholders_waiting += 1
                    continue
                rows.append((group, name, description, key, comparator, required, weight, department))
            for order, (group, name, description, key, comparator, required, weight, department) in enumerate(
                    rows, start=1):
                if title.criteria.filter(name=name).exists():
                    continue
                criterion = Criterion(
                    title=title, order=order, group=group, name=name, description=description,
                    method=Method.MEASURE if key else Method.EVIDENCE, measure_key=key,
                    comparator=comparator or "", required_value=required, weight=weight,
                    department=departments.get(department), is_sample=True)
                criterion.full_clean()
                criterion.save()
                seeded.criteria += 1
    return seeded

