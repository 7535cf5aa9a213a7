"""The portal's reads: a case by its tracking code, the public map's points, an area's feed."""

from datetime import datetime, timedelta

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from jiedao.cases.models import Case, CaseEvent, CasePhoto, CaseState
from jiedao.cases.services import TRACKING_ALPHABET
from jiedao.territory.models import Unit, UnitLevel

from .public import PUBLIC_ACTIONS, public_location, public_status, public_step

MAP_POINTS = 2000
# Reports intake has not accepted yet (待受理, 核实中): only their holder sees them, by tracking code.
UNPUBLISHED_STATES = frozenset({CaseState.REPORTED, CaseState.VERIFYING})
FEED_ITEMS = 50


def normalised_tracking_code(code: str) -> str | None:
    """What a person types (lower case, spaces, dashes) → the stored form, or None when it cannot be one."""
    code = "".join(ch for ch in (code or "").upper() if ch not in " -")
    if len(code) != 10 or any(ch not in TRACKING_ALPHABET for ch in code):
        return None
    return code


def case_by_tracking_code(code: str) -> Case | None:
    code = normalised_tracking_code(code)
    if code is None:
        return None
    return Case.objects.select_related("item", "grid", "grid__parent", "merged_into").filter(tracking_code=code).first()


def published_cases():
    """What the public may see: reports intake has accepted (个人信息保护: nothing a resident typed
    is published before that). A report voided at intake, never filed, stays unpublished."""
    return Case.objects.exclude(state__in=UNPUBLISHED_STATES).exclude(state=CaseState.VOIDED, filed_at__isnull=True)


def public_case(code: str) -> Case | None:
    """A published case by its public code (never by its sequential number)."""
    code = normalised_tracking_code(code)
    if code is None:
        return None
    return (published_cases().select_related("item", "grid", "grid__parent", "merged_into")
            .filter(public_code=code).first())


def public_events(case: Case):
    return case.events.order_by("at", "id")


def public_map_points(*, now: datetime, days: int, blur_m: int) -> list[dict]:
    """Recent reports and fixes for the public map: never the reporter nor the description; the
    location approximate for sensitive categories; a thumbnail only of a photo staff made public."""
    since = now - timedelta(days=days)
    public_photos = Prefetch("photos", queryset=CasePhoto.objects.filter(is_public=True).order_by("-stage", "id"),
                             to_attr="public_photo_list")
    cases = (published_cases().filter(reported_at__gte=since).exclude(state=CaseState.VOIDED)
             .select_related("item").prefetch_related(public_photos).order_by("-reported_at")[:MAP_POINTS])
    points = []
    for case in cases:
        where = public_location(case, blur_m=blur_m)
        status = public_status(case)
        photo = next(iter(case.public_photo_list), None)
        points.append({
            "number": case.number, "category": case.item.name, "status": status.code, "status_label": status.label,
            "reported": timezone.localtime(case.reported_at).date().isoformat(),
            "closed": (timezone.localtime(case.closed_at).date().isoformat()
                       if case.closed_at and case.state == CaseState.CLOSED else None),
            "lon": where.longitude, "lat": where.latitude, "approximate": where.is_approximate,
            "url": reverse("portal:case", args=[case.public_code]),
            "photo": reverse("portal:photo", args=[photo.pk, "thumbnail"]) if photo else None,
        })
    return points


def followable_units() -> list[Unit]:
    """Areas and communities a resident can follow (grids are found from the map or a case)."""
    return list(Unit.objects.filter(is_active=True, level__in=[UnitLevel.SUBDISTRICT, UnitLevel.AREA,
                                                               UnitLevel.COMMUNITY]).order_by("path"))


def area_feed_events(*, unit: Unit) -> list[CaseEvent]:
    """The latest public steps of the cases under this unit."""
    events = (CaseEvent.objects.filter(case__territory_path__startswith=unit.path, action__in=PUBLIC_ACTIONS,
                                       case__in=published_cases())
              .select_related("case", "case__item").order_by("-at", "-id")[:FEED_ITEMS * 2])
    return [event for event in events if public_step(event) is not None][:FEED_ITEMS]
