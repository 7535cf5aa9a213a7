"""Writes of inspections, one function per action, each checked (role, scope, state) and atomic.

- `inspection_start` opens a draft on a checklist version for a unit (the device may choose its
  id, so it can start without signal; starting the same id again returns the same draft).
- `inspection_score_item` records one item and answers the running score (what the phone calls).
- `inspection_submit` scores the sheet with `checklists.scoring`, stores the figures and turns each
  deduction on an item with a catalogue category into a case through `cases.services.case_report`
  (source 督查检查发现, the item's category, the result's photos and point); the case then follows
  the loop like any other, its deadline from its case rule.
- `reinspection_record` (复查) records an outcome per failed item; the failed outcomes cost the
  unit the policy's deduction, taken off the inspection's score.
- `*_once` wrap these for the device: each request carries an idempotency key kept with the
  fingerprint of its body (cases/idempotency.py), so a retry gets the first answer and a phone
  that lost its signal and submits twice makes one inspection and one set of cases."""

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedao import clock
from jiedao.cases.errors import InvalidInput, NotAllowed, WrongState
from jiedao.cases.idempotency import key_reuse_check
from jiedao.cases.models import Case, CasePolicy, CaseSource, CaseState
from jiedao.cases.photos import photo_prepare
from jiedao.cases.services import case_report_once, photos_count_check
from jiedao.checklists.models import Checklist, ChecklistItem, ChecklistVersion, VersionStatus
from jiedao.checklists.scoring import ItemResult, ScoringError, SheetScore, result_problem, sheet_score
from jiedao.checklists.selectors import sheet_of
from jiedao.checklists.services import may_edit_checklists
from jiedao.field.services import KEY_PATTERN, Answer
from jiedao.territory.coordinates import CoordinateError, to_wgs84
from jiedao.territory.locator import grid_locator
from jiedao.territory.models import Role, Unit

from .access import may_inspect_unit, may_reinspect
from .models import (
    FAILED_OUTCOMES,
    Frequency,
    Inspection,
    InspectionKind,
    InspectionPhoto,
    InspectionPlan,
    InspectionPlanTarget,
    InspectionPolicy,
    InspectionResult,
    InspectionState,
    InspectionSubmission,
    Outcome,
    Reinspection,
    ReinspectionItem,
    SubmissionKind,
)
from .scores import final_score, reinspection_deduction

MAX_NOTE = 2000
MAX_PLACE = 200
# A device clock a little ahead of ours is not a lie; an inspection is a day's work at most.
CLOCK_SKEW = timedelta(minutes=2)
LONGEST_INSPECTION = timedelta(hours=24)
# A case that has not yet reported its fix: "已整改" cannot be recorded against it.
UNFIXED_STATES = frozenset({CaseState.REPORTED, CaseState.VERIFYING, CaseState.ACCEPTED, CaseState.FILED,
                            CaseState.HANDLING, CaseState.SUSPENDED})


# ---------------------------------------------------------------- small checks

def _label(item: ChecklistItem) -> str:
    return f"{item.number} {item.name}".strip()


def _point(longitude, latitude, crs: str) -> tuple[float | None, float | None]:
    """A point in WGS-84 from what the device sent (GCJ-02 and BD-09 converted), or no point."""
    empty = [value in (None, "") for value in (longitude, latitude)]
    if all(empty):
        return None, None
    if any(empty):
        raise InvalidInput(_("经度和纬度须同时填写"), field="location")
    try:
        return to_wgs84(lon=float(longitude), lat=float(latitude), crs=(crs or "wgs84").strip().lower())
    except (CoordinateError, TypeError, ValueError, OverflowError) as error:
        raise InvalidInput(str(error) if isinstance(error, CoordinateError) else _("坐标格式不正确"),
                           field="location") from error


def _text(value, *, limit: int, field: str, message) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    if len(value) > limit:
        raise InvalidInput(message % {"n": limit}, field=field)
    return value


def _require_inspector(inspection: Inspection, by) -> None:
    if by is None or inspection.inspector_id != by.pk:
        raise NotAllowed(_("只有本次检查的检查人可以记录和提交"))


def _require_draft(inspection: Inspection) -> None:
    if inspection.state != InspectionState.DRAFT:
        raise WrongState(_("该检查已于 %(at)s 提交，不能再修改")
                         % {"at": timezone.localtime(inspection.submitted_at).strftime("%Y-%m-%d %H:%M")})


def _occurrences(value) -> int:
    """A count as the phone sends it ("3"), refused with a message when it is not a whole number."""
    if isinstance(value, bool):
        raise InvalidInput(_("次数须为整数"), field="occurrences")
    if isinstance(value, int):
        return value
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text.lstrip("-").isdigit() or len(text) > 12:
        raise InvalidInput(_("次数须为整数"), field="occurrences")
    return int(text)


# ---------------------------------------------------------------- start

def inspection_start(*, by, version: ChecklistVersion, unit: Unit, kind: str = InspectionKind.NOTIFIED,
                     plan: InspectionPlan | None = None, place: str = "", longitude=None, latitude=None,
                     crs: str = "wgs84", client_id=None, started_at: datetime | None = None
                     ) -> tuple[Inspection, bool]:
    """Open a draft inspection; returns (inspection, created). Starting the same device id again
    returns the same draft (the device may have sent it twice)."""
    if client_id is not None:
        try:
            client_id = uuid.UUID(str(client_id).strip())
        except ValueError as error:
            raise InvalidInput(_("检查编号格式不正确"), field="client_id") from error
        existing = Inspection.objects.filter(client_id=client_id).first()
        if existing is not None:
            if existing.inspector_id != by.pk:
                raise InvalidInput(_("该检查编号已被他人使用"), field="client_id")
            return existing, False
    if not may_inspect_unit(user=by, unit=unit):
        raise NotAllowed(_("您无权检查“%(unit)s”") % {"unit": unit.name})
    if version.status == VersionStatus.DRAFT:
        raise InvalidInput(_("细则版本尚未发布，不能用于检查"), field="version")
    if kind not in InspectionKind.values:
        raise InvalidInput(_("未知的检查方式"), field="kind")
    if plan is not None:
        if plan.checklist_id != version.checklist_id:
            raise InvalidInput(_("检查计划“%(plan)s”使用的不是这份细则") % {"plan": plan.name}, field="plan")
        if not plan.targets.filter(unit=unit).exists():
            raise InvalidInput(_("“%(unit)s”不在检查计划“%(plan)s”中") % {"unit": unit.name, "plan": plan.name},
                               field="plan")
        kind = plan.kind
    place = _text(place, limit=MAX_PLACE, field="place", message=_("具体地点不能超过 %(n)d 字"))
    lon, lat = _point(longitude, latitude, crs)
    now = clock.now()
    start = min(max(started_at or now, now - LONGEST_INSPECTION), now + CLOCK_SKEW)
    fields = {"version": version, "checklist_id": version.checklist_id, "unit": unit, "unit_path": unit.path,
              "place": place, "longitude": lon, "latitude": lat, "inspector": by, "kind": kind, "plan": plan,
              "started_at": start, "created_at": now}
    try:
        with transaction.atomic():
            inspection = Inspection.objects.create(**fields, **({"client_id": client_id} if client_id else {}))
    except IntegrityError:
        if client_id is None:
            raise
        return inspection_start(by=by, version=version, unit=unit, kind=kind, plan=plan, client_id=client_id)
    return inspection, True


# ---------------------------------------------------------------- one item

@dataclass(frozen=True)
class RunningScore:
    """The sheet's score with the results recorded so far (an item not recorded scores as found
    with no occurrence), and the item just recorded."""

    sheet: SheetScore
    result: InspectionResult

    def as_dict(self) -> dict:
        item = self.sheet.items[self.result.item_id]
        return {
            "total": points(self.sheet.total), "base": points(self.sheet.base), "bonus": points(self.sheet.bonus),
            "max_score": points(self.sheet.max_score), "vetoed": self.sheet.vetoed,
            "item": {"id": self.result.item_id, "occurrences": self.result.occurrences,
                     "vetoed": item.vetoed, "score": points(item.score), "lost": points(item.lost),
                     "added": points(item.added), "photo_count": self.result.photos.count()},
        }


def points(value: Decimal | None) -> str | None:
    """A score as the phone shows it, always with two decimals ("14.00")."""
    return None if value is None else f"{value:.2f}"


def _item_of(inspection: Inspection, item_id) -> ChecklistItem:
    item = ChecklistItem.objects.select_related("section").filter(pk=item_id).first()
    if item is None:
        raise InvalidInput(_("没有该细则条目"), field="item")
    if item.section.version_id != inspection.version_id:
        raise InvalidInput(_("条目“%(item)s”不属于本次检查所用的细则版本") % {"item": _label(item)}, field="item")
    return item


def _score_results(inspection: Inspection, sheet=None) -> tuple[SheetScore, list[InspectionResult]]:
    sheet = sheet or sheet_of(inspection.version)
    results = list(InspectionResult.objects.filter(inspection=inspection))
    try:
        score = sheet_score(sheet, {result.item_id: ItemResult(occurrences=result.occurrences, vetoed=result.vetoed)
                                    for result in results})
    except ScoringError as error:
        raise InvalidInput(str(error)) from error
    return score, results


def _scored(result: InspectionResult, score: SheetScore) -> None:
    scored = score.items[result.item_id]
    result.score, result.lost, result.added = scored.score, scored.lost, scored.added
    result.failed = scored.lost > 0 or scored.vetoed


def _store_running(inspection: Inspection, score: SheetScore) -> None:
    Inspection.objects.filter(pk=inspection.pk).update(total=score.total, base=score.base, bonus=score.bonus,
                                                       vetoed=score.vetoed, max_score=score.max_score)


def inspection_score_item(*, inspection: Inspection, by, item_id, occurrences, vetoed: bool = False,
                          note: str = "", longitude=None, latitude=None, crs: str = "wgs84",
                          photos: Sequence = ()) -> RunningScore:
    """Record what was found on one item (replacing what was recorded before for it; photos add
    up) and answer the running score. Refused whole — nothing written — on any bad value."""
    _require_inspector(inspection, by)
    item = _item_of(inspection, item_id)
    count = _occurrences(occurrences)
    sheet = sheet_of(inspection.version)
    problem = result_problem(sheet.item(item.pk), ItemResult(occurrences=count, vetoed=bool(vetoed)))
    if problem:
        raise InvalidInput(problem, field="occurrences")
    note = _text(note, limit=MAX_NOTE, field="note", message=_("说明不能超过 %(n)d 字"))
    lon, lat = _point(longitude, latitude, crs)
    photos_count_check(photos)
    prepared = [photo_prepare(upload) for upload in photos or ()]
    saved: list[InspectionPhoto] = []
    try:
        with transaction.atomic():
            locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
            _require_draft(locked)
            now = clock.now()
            result, _created = InspectionResult.objects.get_or_create(
                inspection=locked, item=item, defaults={"scored_at": now})
            limit = CasePolicy.current().photos_per_request
            if result.photos.count() + len(prepared) > limit:
                raise InvalidInput(_("每项最多 %(n)d 张照片") % {"n": limit}, field="photos")
            result.occurrences, result.vetoed, result.note, result.scored_at = count, bool(vetoed), note, now
            if lon is not None:
                result.longitude, result.latitude = lon, lat
            result.save()
            for photo in prepared:
                saved.append(InspectionPhoto.objects.create(
                    result=result, image=photo.image, thumbnail=photo.thumbnail, content_type=photo.content_type,
                    size_bytes=photo.size_bytes, uploaded_by=by, uploaded_at=now))
            score, _results = _score_results(locked, sheet)
            _scored(result, score)
            result.save(update_fields=["score", "lost", "added", "failed"])
            _store_running(locked, score)
    except BaseException:
        for photo in saved:
            photo.image.delete(save=False)
            photo.thumbnail.delete(save=False)
        raise
    return RunningScore(sheet=score, result=result)


# ---------------------------------------------------------------- submit

def _same_results(results: list[InspectionResult], seen: Iterable) -> None:
    """The device sends the counts it showed; if the server holds others (an item refused or not
    arrived), the submission is refused naming the items, rather than scoring what nobody saw."""
    held = {result.item_id: (result.occurrences, result.vetoed) for result in results}
    try:
        shown = {int(item): (int(count), bool(veto)) for item, count, veto in seen}
    except (TypeError, ValueError) as error:
        raise InvalidInput(_("检查结果格式不正确"), field="results") from error
    differing = sorted(key for key in set(held) | set(shown) if held.get(key, (0, False)) != shown.get(key, (0, False)))
    if differing:
        items = ChecklistItem.objects.filter(pk__in=differing).order_by("section__position", "position")
        names = "、".join(_label(item) for item in items) or "、".join(str(key) for key in differing)
        raise WrongState(_("以下条目本机记录与服务器不一致，请重新记录后再提交：%(items)s") % {"items": names},
                         field="results")


def _case_description(inspection: Inspection, result: InspectionResult, item: ChecklistItem) -> str:
    day = timezone.localtime(inspection.started_at).strftime("%Y-%m-%d")
    found = (_("发现否决情形") if result.vetoed else _("发现 %(n)d 处") % {"n": result.occurrences})
    text = _("【督查检查】%(checklist)s（%(day)s %(kind)s，检查人 %(inspector)s）第 %(item)s 项：%(found)s，扣 %(lost)s 分。") % {
        "checklist": inspection.checklist.name, "day": day, "kind": inspection.get_kind_display(),
        "inspector": inspection.inspector.display_name, "item": _label(item), "found": found, "lost": result.lost,
    }
    return f"{text}{result.note}".strip()


def _photo_uploads(result: InspectionResult) -> list[SimpleUploadedFile]:
    uploads = []
    for photo in result.photos.all():
        with photo.image.open("rb") as stored:
            uploads.append(SimpleUploadedFile(f"inspection-{photo.pk}.jpg", stored.read(),
                                              content_type=photo.content_type))
    return uploads


def _cases_to_report(inspection: Inspection, results: list[InspectionResult]
                     ) -> list[tuple[InspectionResult, ChecklistItem, float, float]]:
    """The deductions that become cases, each with its point, checked before anything is written:
    an item whose category is a street problem needs a point inside the sub-district's grids."""
    items = {item.pk: item for item in ChecklistItem.objects.filter(
        pk__in=[result.item_id for result in results]).select_related("category")}
    planned = []
    locator = grid_locator()
    for result in results:
        item = items[result.item_id]
        if not result.failed or item.category_id is None or result.case_id is not None:
            continue
        lon = result.longitude if result.longitude is not None else inspection.longitude
        lat = result.latitude if result.latitude is not None else inspection.latitude
        if lon is None or lat is None:
            raise InvalidInput(_("第 %(item)s 项扣分后将立案，请记录问题位置（定位）") % {"item": _label(item)},
                               field="location")
        if locator.locate(lon, lat) is None:
            raise InvalidInput(_("第 %(item)s 项的位置不在本街道的任何网格内") % {"item": _label(item)},
                               field="location")
        planned.append((result, item, lon, lat))
    return planned


def inspection_submit(*, inspection: Inspection, by, results_seen: Iterable | None = None) -> Inspection:
    """Score the sheet, store the figures and turn each deduction on an item with a category into a
    case, in one transaction. `results_seen`: (item, occurrences, vetoed) as the device showed them."""
    _require_inspector(inspection, by)
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().select_related("checklist", "inspector").get(pk=inspection.pk)
        _require_draft(locked)
        score, results = _score_results(locked)
        if results_seen is not None:
            _same_results(results, results_seen)
        for result in results:
            _scored(result, score)
        InspectionResult.objects.bulk_update(results, ["score", "lost", "added", "failed"])
        now = clock.now()
        locked.state, locked.submitted_at = InspectionState.SUBMITTED, now
        locked.total, locked.base, locked.bonus = score.total, score.base, score.bonus
        locked.vetoed, locked.max_score = score.vetoed, score.max_score
        locked.deduction_count = sum(1 for result in results if result.failed)
        locked.score = final_score(score.total, locked.reinspection_deduction)
        locked.save(update_fields=["state", "submitted_at", "total", "base", "bonus", "vetoed", "max_score",
                                   "deduction_count", "score"])
        for result, item, lon, lat in _cases_to_report(locked, results):
            case, _created = case_report_once(
                by=by, source=CaseSource.INSPECTION, item=item.category, longitude=lon, latitude=lat,
                description=_case_description(locked, result, item), address=locked.place,
                photos=_photo_uploads(result), client_key=f"inspection:{locked.client_id}:{item.pk}",
            )
            result.case = case
            result.save(update_fields=["case"])
    return locked


def inspection_rescore(inspection: Inspection) -> SheetScore:
    """The submitted inspection's score computed again from its results on its own version (it
    agrees with what was stored: the version never changed)."""
    return _score_results(inspection)[0]


# ---------------------------------------------------------------- re-inspection (复查)

@dataclass(frozen=True)
class ItemOutcome:
    item_id: int
    outcome: str
    note: str = ""


def _check_rectified_against_case(result: InspectionResult, item: ChecklistItem) -> None:
    """已整改 while the item's case has not reported its fix is refused: the loop says the work is
    still open. (Decision for issue 9: the re-inspector records 未整改, or waits for the fix.)"""
    case = result.case
    if case is not None and case.state in UNFIXED_STATES:
        raise InvalidInput(
            _("第 %(item)s 项的案件 %(number)s 仍为“%(state)s”，尚未反馈处置完成，不能记为已整改；"
              "请记为未整改，或待案件处置反馈后再复查")
            % {"item": _label(item), "number": case.number, "state": case.get_state_display()},
            field="outcome")


def reinspection_record(*, inspection: Inspection, by, outcomes: Sequence[ItemOutcome], note: str = "") -> Reinspection:
    """复查 of items the inspection failed, one outcome each. The failed outcomes (未整改 / 整改不到位
    / 虚假整改) cost the unit the policy's deduction, off the inspection's score; a problem found
    again after its case was closed is reported as a new case."""
    if not may_reinspect(user=by, inspection=inspection):
        raise NotAllowed(_("您无权复查“%(unit)s”") % {"unit": inspection.unit.name})
    if not outcomes:
        raise InvalidInput(_("请至少复查一项"), field="outcome")
    note = _text(note, limit=MAX_NOTE, field="note", message=_("复查意见不能超过 %(n)d 字"))
    policy = InspectionPolicy.current()
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().select_related("checklist", "unit").get(pk=inspection.pk)
        if locked.state != InspectionState.SUBMITTED:
            raise WrongState(_("检查尚未提交，不能复查"))
        results = {result.item_id: result for result in
                   InspectionResult.objects.filter(inspection=locked).select_related("item", "case")}
        rectified_before = set(ReinspectionItem.objects.filter(
            result__inspection=locked, outcome=Outcome.RECTIFIED).values_list("result__item_id", flat=True))
        rows: list[tuple[InspectionResult, ItemOutcome]] = []
        seen: set[int] = set()
        for entry in outcomes:
            if entry.outcome not in Outcome.values:
                raise InvalidInput(_("未知的复查结论"), field="outcome")
            result = results.get(entry.item_id)
            if result is None:
                item = ChecklistItem.objects.filter(pk=entry.item_id).first()
                if item is None or item.section.version_id != locked.version_id:
                    raise InvalidInput(_("该条目不属于本次检查"), field="item")
                raise InvalidInput(_("第 %(item)s 项在本次检查中未扣分，无需复查") % {"item": _label(item)}, field="item")
            if not result.failed:
                raise InvalidInput(_("第 %(item)s 项在本次检查中未扣分，无需复查") % {"item": _label(result.item)},
                                   field="item")
            if entry.item_id in seen:
                raise InvalidInput(_("第 %(item)s 项重复填写") % {"item": _label(result.item)}, field="item")
            if entry.item_id in rectified_before:
                raise InvalidInput(_("第 %(item)s 项已复查为已整改") % {"item": _label(result.item)}, field="item")
            if entry.outcome == Outcome.RECTIFIED:
                _check_rectified_against_case(result, result.item)
            seen.add(entry.item_id)
            rows.append((result, ItemOutcome(entry.item_id, entry.outcome,
                                             _text(entry.note, limit=500, field="note",
                                                   message=_("说明不能超过 %(n)d 字")))))
        deduction = reinspection_deduction((entry.outcome for _result, entry in rows), policy.deduction_for)
        reinspection = Reinspection.objects.create(
            inspection=locked, unit=locked.unit, inspector=by, reinspected_at=clock.now(), note=note,
            failed_count=sum(1 for _result, entry in rows if entry.outcome in FAILED_OUTCOMES),
            false_count=sum(1 for _result, entry in rows if entry.outcome == Outcome.FALSE_RECTIFICATION),
            deduction=deduction)
        for result, entry in rows:
            row = ReinspectionItem.objects.create(reinspection=reinspection, result=result, outcome=entry.outcome,
                                                  note=entry.note, deduction=policy.deduction_for(entry.outcome))
            if entry.outcome in FAILED_OUTCOMES and result.case is not None and result.case.state == CaseState.CLOSED:
                row.case = _report_again(locked, result, row, by=by)
                row.save(update_fields=["case"])
        locked.reinspection_deduction += deduction
        locked.score = final_score(locked.total or Decimal(0), locked.reinspection_deduction)
        locked.save(update_fields=["reinspection_deduction", "score"])
    return reinspection


def _report_again(inspection: Inspection, result: InspectionResult, row: ReinspectionItem, *, by) -> Case:
    """The closed case's problem is still there: a new case in the loop, pointing at the old one."""
    old = result.case
    description = _("【督查复查】%(checklist)s 第 %(item)s 项复查结论为“%(outcome)s”，原案件 %(number)s 已结案但问题仍在。") % {
        "checklist": inspection.checklist.name, "item": _label(result.item), "outcome": row.get_outcome_display(),
        "number": old.number,
    }
    case, _created = case_report_once(
        by=by, source=CaseSource.INSPECTION, item=old.item, longitude=old.longitude, latitude=old.latitude,
        description=f"{description}{row.note}", address=old.address,
        client_key=f"reinspection:{row.reinspection_id}:{result.item_id}")
    return case


# ---------------------------------------------------------------- plans

def plan_create(*, by, name: str, checklist: Checklist, targets: Sequence[tuple[Unit, str]],
                starts_on: date, frequency: str = Frequency.MONTH, kind: str = InspectionKind.NOTIFIED,
                times_per_period: int = 1, inspector=None, inspector_role: str = "",
                inspector_unit: Unit | None = None, ends_on: date | None = None, note: str = "") -> InspectionPlan:
    """A schedule, made by those who write the office's standards (leaders, administrators)."""
    if by is not None and not may_edit_checklists(user=by):
        raise NotAllowed(_("只有系统管理员和街道领导可以制定检查计划"))
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("请填写计划名称"), field="name")
    if frequency not in Frequency.values or kind not in InspectionKind.values:
        raise InvalidInput(_("未知的频次或检查方式"), field="frequency")
    if not 1 <= int(times_per_period) <= 31:
        raise InvalidInput(_("每期次数须在 1 到 31 之间"), field="times_per_period")
    if inspector is None and not (inspector_role in Role.values and inspector_unit is not None):
        raise InvalidInput(_("请指定检查人，或检查角色及其所在单位"), field="inspector")
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput(_("结束日期不能早于开始日期"), field="ends_on")
    if not targets:
        raise InvalidInput(_("请至少选择一个检查对象"), field="targets")
    with transaction.atomic():
        plan = InspectionPlan.objects.create(
            name=name, checklist=checklist, kind=kind, frequency=frequency, times_per_period=times_per_period,
            inspector=inspector, inspector_role=inspector_role, inspector_unit=inspector_unit,
            starts_on=starts_on, ends_on=ends_on, note=note, created_by=by)
        InspectionPlanTarget.objects.bulk_create([
            InspectionPlanTarget(plan=plan, unit=unit, place=(place or "").strip()[:MAX_PLACE])
            for unit, place in dict.fromkeys((unit, place) for unit, place in targets)])
    return plan


# ---------------------------------------------------------------- the device's requests, once per key

def _require_key(key) -> str:
    key = (key or "").strip() if isinstance(key, str) else ""
    if not KEY_PATTERN.fullmatch(key):
        raise InvalidInput(_("缺少或无效的提交编号（幂等键）"), field="key")
    return key


def _replay(previous: InspectionSubmission, *, by, kind: str, fingerprint: str,
            inspection: Inspection | None) -> Answer:
    if previous.user_id != by.pk:
        raise InvalidInput(_("该提交编号已被他人使用"), field="key")
    if previous.kind != kind or (inspection is not None and previous.inspection_id != inspection.pk):
        raise InvalidInput(_("该提交编号已用于另一项提交"), field="key")
    key_reuse_check(key=previous.key, stored=previous.body_fingerprint, fingerprint=fingerprint)
    return Answer(status=previous.status, body=previous.response, replayed=True)


def submission_once(*, key, by, kind: str, fingerprint: str, run: Callable[[], tuple[int, dict, Inspection | None]],
                    inspection: Inspection | None = None) -> Answer:
    """Run `run` once per key: the key's row is written first, in the same transaction as what
    `run` does, so a twin request waits on the key's unique index and then replays the answer;
    a refusal rolls both back, so nothing of it is kept and the key stays free."""
    key = _require_key(key)
    previous = InspectionSubmission.objects.filter(key=key).first()
    if previous is not None:
        return _replay(previous, by=by, kind=kind, fingerprint=fingerprint, inspection=inspection)
    try:
        with transaction.atomic():
            row = InspectionSubmission.objects.create(key=key, user=by, kind=kind, inspection=inspection, status=0,
                                                      response={}, body_fingerprint=fingerprint,
                                                      created_at=clock.now())
            status, body, made = run()
            row.status, row.response, row.inspection = status, body, made or inspection
            row.save(update_fields=["status", "response", "inspection"])
    except IntegrityError:
        previous = InspectionSubmission.objects.filter(key=key).first()
        if previous is None:
            raise
        return _replay(previous, by=by, kind=kind, fingerprint=fingerprint, inspection=inspection)
    return Answer(status=status, body=body)


def inspection_receipt(inspection: Inspection, *, message: str = "") -> dict:
    return {
        "inspection": str(inspection.client_id), "id": inspection.pk, "state": inspection.state,
        "total": points(inspection.total), "max_score": points(inspection.max_score),
        "vetoed": inspection.vetoed, "message": message,
    }


def inspection_submit_once(*, key, by, inspection: Inspection, results_seen: Iterable | None,
                           fingerprint: str) -> Answer:
    def run():
        done = inspection_submit(inspection=inspection, by=by, results_seen=results_seen)
        cases = list(InspectionResult.objects.filter(inspection=done, case__isnull=False)
                     .values_list("case__number", flat=True))
        message = _("检查已提交：%(total)s 分，扣分 %(n)d 项，立案 %(cases)d 件") % {
            "total": done.total, "n": done.deduction_count, "cases": len(cases)}
        return 200, {**inspection_receipt(done, message=str(message)), "cases": cases}, done

    return submission_once(key=key, by=by, kind=SubmissionKind.SUBMIT, fingerprint=fingerprint, run=run,
                           inspection=inspection)


def inspection_score_item_once(*, key, by, inspection: Inspection, fingerprint: str, **values) -> Answer:
    def run():
        running = inspection_score_item(inspection=inspection, by=by, **values)
        return 200, {**running.as_dict(), "message": str(_("已记录"))}, inspection

    return submission_once(key=key, by=by, kind=SubmissionKind.ITEM, fingerprint=fingerprint, run=run,
                           inspection=inspection)


def outcomes_from(pairs: Mapping[int, tuple[str, str]]) -> list[ItemOutcome]:
    return [ItemOutcome(item_id=item_id, outcome=outcome, note=note) for item_id, (outcome, note) in pairs.items()]
