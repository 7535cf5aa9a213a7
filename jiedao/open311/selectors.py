"""Reads of the Open311 endpoint: services from the catalogue, service definitions, the published
cases as request records and their public steps as service request updates.

What is published (decided here, once):
- cases of the sources the office publishes (`Open311Policy.public_sources`), once staff have
  looked at them (not 待受理 / 核实中);
- of a case: its number, category, the reporter's description (not for a voided case), the
  department in charge, the times, the address and WGS-84 point (for a category marked sensitive:
  the portal's blurred point, the same cell every public view shows, and no address), a status
  note of ours, and a photo only if staff made it public. Never the reporter, never a staff
  member's opinion;
- of its history: the steps in `statuses.PUBLIC_STEPS` that changed its state, in our words, with
  the after-photo of a fix if staff made it public.

The list queries read only the columns they print (`values_list`), in one query per page."""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Exists, F, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast

from jiedao.cases.models import Case, CaseEvent, CasePhoto, CaseState, PhotoStage
from jiedao.catalogue.models import CatalogueItem, CatalogueKind
from jiedao.portal.public import blurred_point

from . import statuses
from .lookups import remembered
from .models import Open311Policy, ServiceAttribute
from .render import iso_datetime

# ---------------------------------------------------------------- services

def _service_items() -> QuerySet[CatalogueItem]:
    """Active categories a report can be filed under: matters and events (a component's problems are
    reported as its "<部件>异常" matter, which has the same code)."""
    return CatalogueItem.objects.filter(is_active=True).exclude(kind=CatalogueKind.COMPONENT)


def services_list() -> list[dict]:
    items = (_service_items()
             .annotate(has_attributes=Exists(ServiceAttribute.objects.filter(item=OuterRef("pk"), is_active=True)))
             .order_by("major_code", "code", "is_local_extension", "pk")
             .values("code", "name", "major_name", "search_text", "standard_ref", "has_attributes"))
    services, seen = [], set()
    for item in items:
        if item["code"] in seen:  # one service per code: the standard's row before a local one
            continue
        seen.add(item["code"])
        services.append({
            "service_code": item["code"],
            "service_name": item["name"],
            "description": f"{item['major_name']}：{item['name']}（{item['standard_ref']}）",
            "metadata": item["has_attributes"],
            "type": "realtime",
            "keywords": ",".join(item["search_text"].split()) or None,
            "group": item["major_name"],
        })
    return services


def service_item(code: str) -> CatalogueItem | None:
    """The category a service code stands for (the same choice as the services list)."""
    return remembered(("item", code),
                      lambda: _service_items().filter(code=code).order_by("is_local_extension", "pk").first())


def service_definition(item: CatalogueItem) -> dict:
    attributes = ServiceAttribute.objects.filter(item=item, is_active=True).order_by("order")
    return {
        "service_code": item.code,
        "attributes": [{
            "variable": attribute.variable,
            "code": attribute.code,
            "datatype": attribute.datatype,
            "required": attribute.required,
            "datatype_description": attribute.datatype_description or None,
            "order": attribute.order,
            "description": attribute.description,
            "values": [{"key": str(option["key"]), "name": str(option["name"])} for option in attribute.values or []],
        } for attribute in attributes],
    }


def known_service_codes(codes: list[str]) -> set[str]:
    """Codes that name a category at all (cases keep the category they were filed under, even
    after it is switched off)."""
    return set(CatalogueItem.objects.filter(code__in=codes).values_list("code", flat=True))


# ---------------------------------------------------------------- request records

def published_cases(policy: Open311Policy) -> QuerySet[Case]:
    return Case.objects.filter(source__in=policy.public_sources).exclude(state__in=statuses.UNPUBLISHED_STATES)


# The times are read as the database's text and parsed by `datetime.fromisoformat` (C): the
# driver's own datetime loading was two thirds of the time it took to read a page of 1000.
_TIMES = {"reported_text": "reported_at", "updated_text": "updated_at", "closed_text": "closed_at",
          "deadline_text": "deadline_at"}
_RECORD_COLUMNS = ("id", "number", "state", "closure_type", "merged_into_id", "item__code", "item__name",
                   "item__is_sensitive", "description", "department__name", "reported_text", "updated_text",
                   "closed_text", "deadline_text", "address", "latitude", "longitude")
_REPORTED_AT = _RECORD_COLUMNS.index("reported_text")


def _record_values(cases: QuerySet[Case]):
    return cases.annotate(**{name: Cast(column, TextField()) for name, column in _TIMES.items()}).values_list(
        *_RECORD_COLUMNS)


def db_time(text: str | None) -> datetime | None:
    """A time as the database writes it as text: PostgreSQL `2026-11-17 01:00:00.5+00` (the
    connection is in UTC), SQLite `2026-11-17 01:00:00.5` (stored in UTC)."""
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass
class RequestFilters:
    ids: list[str]  # when given, every other filter is ignored
    service_codes: list[str]
    start: datetime | None
    end: datetime | None
    states: set[str] | None  # None: every published state


def request_rows(*, policy: Open311Policy, filters: RequestFilters, offset: int, limit: int) -> list[tuple]:
    cases = published_cases(policy)
    if filters.ids:
        # GeoReport v2: service_request_id overrides every other argument.
        cases = cases.filter(number__in=filters.ids)
    else:
        cases = cases.filter(reported_at__gte=filters.start, reported_at__lte=filters.end)
        if filters.service_codes:
            # By the items' ids, not through a join on their code: the planner then knows how
            # rare an item is and reads a rare one's cases by the item index instead of walking
            # every case of the window newest first.
            item_ids = list(CatalogueItem.objects.filter(code__in=filters.service_codes).values_list("id", flat=True))
            cases = cases.filter(item_id__in=item_ids)
        if filters.states is not None:
            cases = cases.filter(state__in=filters.states)
    return list(_record_values(cases.order_by("-reported_at", "-id"))[offset:offset + limit])


def request_row(*, policy: Open311Policy, number: str) -> tuple | None:
    return _record_values(published_cases(policy).filter(number=number)).first()


def public_photo_ids(*, stages: tuple[str, ...], case_ids: list[int] | None = None,
                     event_ids: list[int] | None = None, reported_between: tuple[datetime, datetime] | None = None
                     ) -> dict[int, int]:
    """The newest photo staff made public of each case (or each event), among these stages: one
    query for a whole page. A page of many cases, newest first, asks by the range of their report
    times (a short query on the case index) instead of naming a thousand ids."""
    photos = CasePhoto.objects.filter(is_public=True, stage__in=stages)
    key = "case_id"
    if event_ids is not None:
        photos, key = photos.filter(event_id__in=event_ids), "event_id"
    elif reported_between is not None:
        photos = photos.filter(case__reported_at__gte=reported_between[0], case__reported_at__lte=reported_between[1])
    else:
        photos = photos.filter(case_id__in=case_ids)
    return dict(photos.order_by("uploaded_at", "id").values_list(key, "id"))  # the last one wins


REPORT_STAGES = (PhotoStage.BEFORE,)
FIX_STAGES = (PhotoStage.AFTER, PhotoStage.CHECK)


class RecordWriter:
    """Turns rows of `_RECORD_COLUMNS` into GeoReport v2 request records; the translated notes are
    looked up once per status, not once per row. `photo_url(photo_id)` makes a public photo's
    address; `blur_m` is the portal's cell for sensitive categories."""

    def __init__(self, *, photo_url, blur_m: int, extensions: bool = False):
        self.photo_url, self.blur_m, self.extensions = photo_url, blur_m, extensions
        self._notes: dict[statuses.PublicStatus, str] = {}

    def records(self, rows: list[tuple], *, contiguous: bool = False) -> list[dict]:
        """`contiguous`: the rows are one page of a time-ordered list (every published case between
        the first and the last is in it), so their photos are asked for by that time range."""
        if not rows:
            return []
        if contiguous:
            times = [db_time(row[_REPORTED_AT]) for row in rows]
            photos = public_photo_ids(stages=REPORT_STAGES, reported_between=(min(times), max(times)))
        else:
            photos = public_photo_ids(stages=REPORT_STAGES, case_ids=[row[0] for row in rows])
        return [self.record(row, photo_id=photos.get(row[0])) for row in rows]

    def record(self, row: tuple, *, photo_id: int | None) -> dict:
        (_id, number, state, closure_type, merged_into_id, code, name, sensitive, description, department,
         reported_at, updated_at, closed_at, deadline_at, address, latitude, longitude) = row
        status = statuses.public_status(state=state, closure_type=closure_type, merged=merged_into_id is not None)
        note = self._notes.get(status)
        if note is None:
            note = self._notes[status] = str(status.note)
        closed = status.status == statuses.CLOSED
        if sensitive:
            longitude, latitude = blurred_point(longitude, latitude, cell_m=self.blur_m)
            address = ""
        record = {
            "service_request_id": number,
            "status": status.status,
            "status_notes": note,
            "service_name": name,
            "service_code": code,
            # A voided report was judged not to be a case: its text is not published.
            "description": None if state == CaseState.VOIDED else (description or None),
            "agency_responsible": department,
            "service_notice": None,
            "requested_datetime": iso_datetime(db_time(reported_at)),
            "updated_datetime": iso_datetime(db_time(closed_at if closed and closed_at else updated_at)),
            "expected_datetime": iso_datetime(db_time(deadline_at)),
            "address": address or None,
            "address_id": None,
            "zipcode": None,
            "lat": round(latitude, 6),
            "long": round(longitude, 6),
            "media_url": self.photo_url(photo_id) if photo_id else None,
        }
        if self.extensions:
            record["extended_attributes"] = {"extended_status": status.extended}
        return record


# ---------------------------------------------------------------- tokens

def token_lookup(*, policy: Open311Policy, token: str) -> tuple[str, str | None] | None:
    """(token, service request id or None while the report waits for intake), or None."""
    row = (Case.objects.filter(tracking_code=token.strip().upper(), source__in=policy.public_sources)
           .values_list("tracking_code", "number", "state").first())
    if row is None:
        return None
    tracking_code, number, state = row
    return tracking_code, number if statuses.is_published(state) else None


# ---------------------------------------------------------------- service request updates

_UPDATE_COLUMNS = ("id", "action", "to_state", "at", "data", "case__number")


def published_steps(policy: Open311Policy) -> QuerySet[CaseEvent]:
    return (CaseEvent.objects.filter(action__in=statuses.PUBLIC_ACTIONS, case__source__in=policy.public_sources)
            .exclude(from_state=F("to_state")).exclude(to_state__in=statuses.UNPUBLISHED_STATES))


def update_rows(*, policy: Open311Policy, ids: list[str], start: datetime, end: datetime, offset: int,
                limit: int) -> list[tuple]:
    steps = published_steps(policy)
    if ids:
        steps = steps.filter(case__number__in=ids)
    steps = steps.filter(Q(at__gte=start) & Q(at__lte=end))
    return list(steps.order_by("at", "id").values_list(*_UPDATE_COLUMNS)[offset:offset + limit])


def update_records(rows: list[tuple], *, photo_url) -> list[dict]:
    photos = public_photo_ids(event_ids=[row[0] for row in rows], stages=FIX_STAGES) if rows else {}
    records = []
    for event_id, action, to_state, at, data, number in rows:
        data = data if isinstance(data, dict) else {}
        photo_id = photos.get(event_id)
        records.append({
            "update_id": str(event_id),
            "service_request_id": number,
            "status": statuses.update_status(action=action, to_state=to_state,
                                             closure_type=data.get("closure_type") or ""),
            "updated_datetime": iso_datetime(at),
            "description": statuses.update_description(action),
            "media_url": photo_url(photo_id) if photo_id else None,
        })
    return records
