"""The scales' API: POST /api/v1/waste/readings, a batch of weighed readings, each with its own
idempotency key (a scale that retried sends the same key and body: counted once). The unit is
declared per reading (kg or t) and converted; an unknown unit, a negative weight or any other
bad reading refuses the whole batch with every reason by index, and nothing is written.
Mounted in `jiedao/api/api.py` with one line."""

from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from jiedao import clock

from .access import may_enter_waste
from .models import RecordSource
from .services import Reading, WasteRejected, readings_record

router = Router(tags=["waste"])
MAX_BATCH = 1000


class ReadingIn(Schema):
    key: str = Field(..., min_length=1, max_length=100, description="Idempotency key of this reading (unique per scale and ticket)")
    day: str = Field(..., max_length=10, description="YYYY-MM-DD (+08:00)")
    stage: str = Field(..., max_length=16, description="disposal / collection / transport / treatment (or 投放/收集/运输/处理)")
    waste_class: str = Field(..., max_length=16, description="recyclable / hazardous / kitchen / residual (or the Chinese names)")
    subclass: str = Field("", max_length=24)
    weight: Decimal = Field(..., description="In the declared unit; not negative")
    unit: str = Field(..., max_length=8, description="kg or t")
    point: str = Field("", max_length=32, description="Sorting point code (required for disposal and collection)")
    community: str = Field("", max_length=32, description="Community code, when no point is named")
    vehicle: str = Field("", max_length=20)
    facility: str = Field("", max_length=32, description="Facility code (required for transport and treatment)")


class ReadingsIn(Schema):
    readings: list[ReadingIn] = Field(..., min_length=1, max_length=MAX_BATCH)


class ReadingsOut(Schema):
    created: int
    duplicates: int


class ReadingError(Schema):
    index: int | None
    field: str
    message: str


class ReadingsRefusedOut(Schema):
    detail: str
    field: str | None = None
    errors: list[ReadingError] = []


@router.post("/waste/readings", response={200: ReadingsOut, 400: ReadingsRefusedOut, 403: ReadingsRefusedOut},
             summary="Post a batch of weighed readings (scales, weighbridges)",
             description="All or nothing: 400 lists every refused reading by its index. A reading whose key was "
                         "stored before with the same content is a retry (counted in `duplicates`, not again); "
                         "the same key with different content is refused.")
def readings_post(request: HttpRequest, data: ReadingsIn):
    user = request.auth
    if not may_enter_waste(user=user):
        return Status(403, {"detail": str(_("您无权录入垃圾量")), "field": None, "errors": []})
    readings = [Reading(day=item.day, stage=item.stage, waste_class=item.waste_class, subclass=item.subclass,
                        weight=str(item.weight), unit=item.unit, point=item.point, community=item.community,
                        vehicle=item.vehicle, facility=item.facility, key=item.key, row=index)
                for index, item in enumerate(data.readings)]
    try:
        result = readings_record(by=user, readings=readings, source=RecordSource.SCALE,
                                 today=timezone.localdate(clock.now()))
    except WasteRejected as refused:
        errors = [{"index": row, "field": name, "message": str(message)} for row, name, message in refused.errors]
        return Status(400, {"detail": errors[0]["message"], "field": errors[0]["field"], "errors": errors})
    return Status(200, {"created": len(result.created), "duplicates": result.duplicates})
