"""Writes of the field app. Every change to a case goes through the case services; what is added
here is what a device with patchy signal needs: each submission carries its own idempotency key,
recorded in the same transaction as the change, so a retry returns the first answer and never
acts twice; an action made offline applies while the case is still in the stage the worker saw;
and patrol tracks arrive in batches, each kept once."""

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiedao import clock
from jiedao.cases import services as case_services
from jiedao.cases.errors import InvalidInput, NotAllowed, WrongState
from jiedao.cases.idempotency import key_reuse_check
from jiedao.cases.models import Case, CaseSource, CaseState
from jiedao.catalogue.models import CatalogueItem
from jiedao.territory.coordinates import SUPPORTED_CRS, CoordinateError, to_wgs84
from jiedao.territory.locator import grid_locator

from .access import is_field_user
from .models import Patrol, PatrolPolicy, Submission, SubmissionKind
from .selectors import case_stage, stage_state
from .tracks import THINNED, TrackRules, track_distance_m, track_extend

# crypto.randomUUID() gives 36 characters; any opaque token of this shape is accepted.
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")
# A device clock a little ahead of ours is not a lie; more is.
CLOCK_SKEW = timedelta(minutes=2)


@dataclass(frozen=True)
class Answer:
    """What the endpoint answers: the HTTP status and the JSON body; `replayed` when the key was
    seen before and this is the first answer again."""

    status: int
    body: dict
    replayed: bool = False


def _require_field_user(by) -> None:
    if not is_field_user(user=by):
        raise NotAllowed(_("只有网格员和监督员可以使用外业巡查"))


def _require_key(key) -> str:
    key = (key or "").strip() if isinstance(key, str) else ""
    if not KEY_PATTERN.fullmatch(key):
        raise InvalidInput(_("缺少或无效的提交编号（幂等键）"), field="key")
    return key


def _replay(previous: Submission, *, by, kind: str, fingerprint: str, case: Case | None = None,
            patrol: Patrol | None = None) -> Answer:
    if previous.user_id != by.pk:
        raise InvalidInput(_("该提交编号已被他人使用"), field="key")
    if (previous.kind != kind or (case is not None and previous.case_id != case.pk)
            or (patrol is not None and previous.patrol_id != patrol.pk)):
        raise InvalidInput(_("该提交编号已用于另一项提交"), field="key")
    key_reuse_check(key=previous.key, stored=previous.body_fingerprint, fingerprint=fingerprint)
    return Answer(status=200, body=previous.response, replayed=True)


def _submission_once(*, key: str, by, kind: str, run: Callable[[], tuple[int, dict, Case | None, Patrol | None]],
                     fingerprint: str = "", case: Case | None = None, patrol: Patrol | None = None) -> Answer:
    """Run `run` once per key. The submission row is inserted first, in the same transaction as
    the change: a twin request racing this one blocks on the key's unique index and then finds
    the row; a refusal rolls both back, so nothing of it is kept."""
    previous = Submission.objects.filter(key=key).first()
    if previous is not None:
        return _replay(previous, by=by, kind=kind, fingerprint=fingerprint, case=case, patrol=patrol)
    try:
        with transaction.atomic():
            submission = Submission.objects.create(key=key, user=by, kind=kind, case=case, patrol=patrol, status=0,
                                                   response={}, body_fingerprint=fingerprint, created_at=clock.now())
            status, body, made_case, made_patrol = run()
            submission.status, submission.response = status, body
            submission.case, submission.patrol = made_case or case, made_patrol or patrol
            submission.save(update_fields=["status", "response", "case", "patrol"])
    except IntegrityError:
        previous = Submission.objects.filter(key=key).first()
        if previous is None:
            raise
        return _replay(previous, by=by, kind=kind, fingerprint=fingerprint, case=case, patrol=patrol)
    return Answer(status=status, body=body)


# ---------------------------------------------------------------- reports

def field_report(*, by, key: str, item: CatalogueItem, longitude, latitude, crs: str = "wgs84",
                 description: str = "", address: str = "", photos=(), after_photos=(), self_handled: bool = False,
                 patrol_client_id: str = "", fingerprint: str = "", also=None) -> Answer:
    """A report from the field (source 网格员巡查). The case's client key is the device's key
    namespaced by person, so the case loop's own idempotency holds even without this table.
    `fingerprint` (of the request body) is kept with the key: a replay with another body is refused.
    `also` is passed to `case_report` (the asset the case names, jiedao/assets)."""
    _require_field_user(by)
    key = _require_key(key)
    patrol_id = _patrol_uuid(patrol_client_id)

    def run():
        case, created = case_services.case_report_once(
            by=by, source=CaseSource.PATROL, item=item, longitude=longitude, latitude=latitude, crs=crs or "wgs84",
            description=description, address=address, photos=photos, after_photos=after_photos,
            self_handled=self_handled, client_key=f"field:{by.pk}:{key}", also=also,
        )
        patrol = Patrol.objects.filter(client_id=patrol_id, user=by).first() if patrol_id else None
        if patrol is not None:
            patrol.cases.add(case)
        body = _case_receipt(case, kind=SubmissionKind.REPORT,
                             message=_("案件 %(number)s 已上报") % {"number": case.number})
        body["photo_count"] = case.photos.count()
        return (201 if created else 200), body, case, patrol

    return _submission_once(key=key, by=by, kind=SubmissionKind.REPORT, run=run, fingerprint=fingerprint)


def _patrol_uuid(value) -> uuid.UUID | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError as error:
        raise InvalidInput(_("巡查编号格式不正确"), field="patrol") from error


def _case_receipt(case: Case, *, kind: str, message: str) -> dict:
    return {"kind": kind, "number": case.number, "state": case.state, "state_label": str(case.get_state_display()),
            "version": case.version, "message": message}


# ---------------------------------------------------------------- verify and check, made offline

ACTION_NAMES = {SubmissionKind.VERIFY: gettext_lazy("核实"), SubmissionKind.CHECK: gettext_lazy("核查")}


def _case_in_seen_stage(*, case: Case, by, seen_stage: str, kind: str) -> Case:
    """Lock the case and make sure it is still where the worker saw it and still theirs."""
    seen_stage = (seen_stage or "").strip()
    if not seen_stage:
        raise InvalidInput(_("缺少案件阶段信息，请刷新待办后重试"), field="seen_stage")
    action = ACTION_NAMES[kind]
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if case_stage(locked) != seen_stage:
        seen_state = stage_state(seen_stage)
        if locked.state != seen_state:
            seen_label = CaseState(seen_state).label if seen_state in CaseState.values else seen_state
            raise WrongState(_("案件 %(number)s 已由“%(seen)s”变为“%(now)s”，您的%(action)s未提交")
                             % {"number": locked.number, "seen": seen_label, "now": locked.get_state_display(),
                                "action": action})
        raise WrongState(_("案件 %(number)s 在您离线期间已重新进入“%(state)s”，您的%(action)s未提交，请刷新后重新办理")
                         % {"number": locked.number, "state": locked.get_state_display(), "action": action})
    if locked.assignee_id != by.pk:
        raise WrongState(_("案件 %(number)s 已改由他人%(action)s，您的%(action)s未提交")
                         % {"number": locked.number, "action": action})
    return locked


def field_verify(*, by, key: str, case: Case, seen_stage: str, confirmed: bool, opinion: str = "",
                 photos=(), fingerprint: str = "") -> Answer:
    """核实 on site, possibly made offline: applies while the case waits in the stage the worker saw."""
    _require_field_user(by)
    key = _require_key(key)

    def run():
        locked = _case_in_seen_stage(case=case, by=by, seen_stage=seen_stage, kind=SubmissionKind.VERIFY)
        done = case_services.case_verify(case=locked, by=by, confirmed=confirmed, opinion=opinion, photos=photos,
                                         expected_version=locked.version)
        outcome = _("属实") if confirmed else _("不属实")
        message = _("案件 %(number)s 已核实：%(outcome)s") % {"number": done.number, "outcome": outcome}
        return 200, _case_receipt(done, kind=SubmissionKind.VERIFY, message=message), done, None

    return _submission_once(key=key, by=by, kind=SubmissionKind.VERIFY, run=run, case=case, fingerprint=fingerprint)


def field_check(*, by, key: str, case: Case, seen_stage: str, passed: bool, opinion: str = "",
                photos=(), fingerprint: str = "") -> Answer:
    """核查 of a reported fix with after-photos, possibly made offline (see `field_verify`)."""
    _require_field_user(by)
    key = _require_key(key)

    def run():
        locked = _case_in_seen_stage(case=case, by=by, seen_stage=seen_stage, kind=SubmissionKind.CHECK)
        done = case_services.case_check(case=locked, by=by, passed=passed, opinion=opinion, photos=photos,
                                        expected_version=locked.version)
        outcome = _("通过") if passed else _("不通过，已返工")
        message = _("案件 %(number)s 已核查：%(outcome)s") % {"number": done.number, "outcome": outcome}
        return 200, _case_receipt(done, kind=SubmissionKind.CHECK, message=message), done, None

    return _submission_once(key=key, by=by, kind=SubmissionKind.CHECK, run=run, case=case, fingerprint=fingerprint)


# ---------------------------------------------------------------- patrols

def _from_unix(seconds) -> datetime | None:
    if seconds is None or seconds == "":
        return None
    try:
        value = float(seconds)
        return datetime.fromtimestamp(value, tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError) as error:
        raise InvalidInput(_("时间格式不正确"), field="time") from error


def patrol_start(*, by, client_id, started_at=None) -> tuple[Patrol, bool]:
    """Start a patrol under the id the device chose (so it can start without signal); starting
    the same id again returns the same patrol."""
    _require_field_user(by)
    try:
        client_uuid = uuid.UUID(str(client_id or "").strip())
    except ValueError as error:
        raise InvalidInput(_("巡查编号格式不正确"), field="client_id") from error
    existing = Patrol.objects.filter(client_id=client_uuid).first()
    if existing is not None:
        if existing.user_id != by.pk:
            raise InvalidInput(_("该巡查编号已被他人使用"), field="client_id")
        return existing, False
    now = clock.now()
    policy = PatrolPolicy.current()
    start = _from_unix(started_at) or now
    # The device's clock decides when the walk began, within reason.
    start = min(max(start, now - timedelta(hours=policy.max_duration_hours)), now)
    try:
        with transaction.atomic():
            patrol = Patrol.objects.create(client_id=client_uuid, user=by, started_at=start, created_at=now)
    except IntegrityError:
        return patrol_start(by=by, client_id=client_uuid, started_at=started_at)
    return patrol, True


def _points_checked(points, *, policy: PatrolPolicy) -> list:
    """The batch's shape: a list of [longitude, latitude, t]; a malformed batch writes nothing."""
    if not isinstance(points, list):
        raise InvalidInput(_("轨迹点格式不正确，应为 [经度, 纬度, 时间] 的列表"), field="points")
    if len(points) > policy.max_points_per_batch:
        raise InvalidInput(_("每批最多 %(n)d 个轨迹点") % {"n": policy.max_points_per_batch}, field="points")
    for point in points:
        if not isinstance(point, list | tuple) or len(point) != 3:
            raise InvalidInput(_("轨迹点格式不正确，应为 [经度, 纬度, 时间] 的列表"), field="points")
    return points


def _point_in_wgs84(point, *, crs: str):
    """The point in WGS-84, or None when it is not a place (counted as out of range)."""
    lon, lat, t = point
    if any(isinstance(value, bool) for value in point):
        return None
    try:
        lon, lat = to_wgs84(lon=lon, lat=lat, crs=crs)
        return [lon, lat, float(t)]
    except (CoordinateError, TypeError, ValueError, OverflowError):
        return None


def patrol_points_add(*, by, patrol: Patrol, key: str, points, crs: str = "wgs84", fingerprint: str = "") -> Answer:
    """Add one batch of the device's points to its patrol, once per batch key. Points that are
    not plausible (out of range, out of the patrol's time, faster than the policy allows from the
    previous point) are counted, not kept; points too close to the previous one are thinned."""
    _require_field_user(by)
    key = _require_key(key)
    if patrol.user_id != by.pk:
        raise NotAllowed(_("只能上传自己的巡查轨迹"))
    policy = PatrolPolicy.current()
    points = _points_checked(points, policy=policy)
    crs_name = (crs or "wgs84").strip().lower()
    if crs_name not in SUPPORTED_CRS:
        raise InvalidInput(_("不支持的坐标系“%(crs)s”，应为 wgs84、gcj02 或 bd09") % {"crs": crs}, field="crs")

    def run():
        locked = Patrol.objects.select_for_update().get(pk=patrol.pk)
        now = clock.now()
        latest = min(now + CLOCK_SKEW, locked.started_at + timedelta(hours=policy.max_duration_hours))
        if locked.ended_at is not None:
            latest = min(latest, locked.ended_at)
        rules = TrackRules(min_distance_m=policy.min_distance_m, min_interval_s=policy.min_interval_s,
                           max_speed_mps=policy.max_speed_mps,
                           earliest_t=(locked.started_at - CLOCK_SKEW).timestamp(), latest_t=latest.timestamp())
        converted = [_point_in_wgs84(point, crs=crs_name) for point in points]
        extension = track_extend(last=locked.track[-1] if locked.track else None,
                                 points=[point if point is not None else [None, None, None] for point in converted],
                                 rules=rules)
        if extension.kept:
            locked.track = [*locked.track, *[list(point) for point in extension.kept]]
            locked.point_count = len(locked.track)
            locked.distance_m = round(track_distance_m(locked.track), 1)
            if locked.ended_at is None:
                locked.duration_s = max(0, int(locked.track[-1][2] - locked.started_at.timestamp()))
        locked.rejected_point_count += extension.rejected_count
        locked.save(update_fields=["track", "point_count", "distance_m", "duration_s", "rejected_point_count"])
        _patrol_grids_add(locked, extension.kept)
        body = {
            "kind": SubmissionKind.PATROL_POINTS, "patrol": str(locked.client_id), "accepted": len(extension.kept),
            "thinned": extension.dropped.get(THINNED, 0), "rejected": extension.rejected_count,
            "rejected_by_reason": {reason: n for reason, n in sorted(extension.dropped.items()) if reason != THINNED},
            "point_count": locked.point_count, "distance_m": locked.distance_m,
        }
        return 200, body, None, locked

    return _submission_once(key=key, by=by, kind=SubmissionKind.PATROL_POINTS, run=run, patrol=patrol,
                            fingerprint=fingerprint)


def _patrol_grids_add(patrol: Patrol, points: Sequence) -> None:
    if not points:
        return
    located = grid_locator().locate_many([p[0] for p in points], [p[1] for p in points])
    grid_ids = {place.grid_id for place in located if place is not None}
    if grid_ids:
        patrol.grids.add(*grid_ids)


def patrol_stop(*, by, patrol: Patrol, ended_at=None) -> Patrol:
    """End the patrol (once; stopping again changes nothing). The end is the device's time,
    kept between the last point and now."""
    _require_field_user(by)
    if patrol.user_id != by.pk:
        raise NotAllowed(_("只能结束自己的巡查"))
    policy = PatrolPolicy.current()
    end = _from_unix(ended_at)
    with transaction.atomic():
        locked = Patrol.objects.select_for_update().get(pk=patrol.pk)
        if locked.ended_at is not None:
            return locked
        now = clock.now()
        end = end or now
        latest = min(now, locked.started_at + timedelta(hours=policy.max_duration_hours))
        earliest = locked.started_at
        if locked.track:
            earliest = max(earliest, datetime.fromtimestamp(locked.track[-1][2], tz=UTC))
        end = max(min(end, latest), earliest)
        locked.ended_at = end
        locked.duration_s = max(0, int((end - locked.started_at).total_seconds()))
        locked.save(update_fields=["ended_at", "duration_s"])
    return locked
