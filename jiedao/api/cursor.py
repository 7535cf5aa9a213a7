"""Keyset pagination for the case list: the cursor is the (reported_at, id) of the last row seen,
so page 10 000 costs the same as page 1 — no OFFSET, no COUNT(*)."""

import base64
import json
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jiedao.cases.errors import InvalidInput
from jiedao.params import LARGEST_ID, BadParameter, moment_checked


def cursor_encode(*, reported_at: datetime, case_id: int) -> str:
    raw = json.dumps([reported_at.isoformat(), case_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        reported_at, case_id = json.loads(raw)
        reported_at = datetime.fromisoformat(reported_at)
        if reported_at.tzinfo is None or not isinstance(case_id, int) or not 1 <= case_id <= LARGEST_ID:
            raise ValueError
        reported_at = moment_checked(reported_at, field="cursor")
    except (ValueError, TypeError, json.JSONDecodeError, BadParameter) as error:
        raise InvalidInput(_("分页游标无效，请从第一页重新开始"), field="cursor") from error
    return reported_at, case_id


def cases_after(cases: QuerySet, cursor: str | None) -> QuerySet:
    """The cases after the cursor, newest first (the order of the `case_recent` index)."""
    if cursor:
        reported_at, case_id = cursor_decode(cursor)
        # `reported_at <= t` first gives the planner a plain range on the index; the OR only
        # breaks ties among cases reported in the same instant.
        cases = cases.filter(reported_at__lte=reported_at).filter(
            Q(reported_at__lt=reported_at) | Q(id__lt=case_id))
    return cases.order_by("-reported_at", "-id")
