"""POST /api/v1/air/readings: a monitor (or a data platform) posts readings in batches, signed in with
an ApiToken of a person who may enter readings at those sources. The batch is all-or-nothing: 400
names every bad row and nothing is written; a retried reading (same idempotency key and body) is
counted once, the same key with another body is refused."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from .services import AirRejected, readings_ingest

router = Router(tags=["air"])

READING_FIELDS = (
    "Each reading: `source` (the source's 编号), `monitor` (optional device id), `parameter` "
    "(pm10, pm25, tsp, fume, particulate), `value` (a number), `unit` (mg/m³, μg/m³, ng/m³, g/m³; "
    "ASCII `ug/m3`, `mg/m3` accepted), `measured_at` (ISO 8601; without an offset read in +08:00), "
    "`idempotency_key` (1–64 characters, unique per reading).")


class ReadingsIn(Schema):
    readings: list[dict[str, Any]] = Field(..., description=READING_FIELDS)


class ReadingsOut(Schema):
    accepted: int
    duplicates: int
    exceedances: int
    cases: list[str]


class RejectedOut(Schema):
    detail: str
    field: str | None = None
    rows: dict[str, str] = {}  # a body that cannot be read is refused before any row (detail only)


@router.post("/readings", response={200: ReadingsOut, 400: RejectedOut}, summary="Post a batch of readings")
def readings_post(request: HttpRequest, body: ReadingsIn):
    try:
        result = readings_ingest(by=request.user, rows=body.readings)
    except AirRejected as refused:
        first_field, first_message = next(iter(refused.errors.items()))
        return Status(400, {"detail": str(first_message), "field": first_field, "rows": refused.errors})
    return Status(200, {"accepted": result.accepted, "duplicates": result.duplicates, "exceedances": result.exceedances,
                 "cases": result.cases})
