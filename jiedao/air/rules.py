"""Pure: declared units converted to mg/m³ (anything else refused, never guessed), a reading against
its limit, a day inside a seasonal ban window, a point inside a zone's radius."""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

# Declared units and their factor to mg/m³.
UNIT_FACTORS: dict[str, Decimal] = {
    "mg/m³": Decimal("1"),
    "μg/m³": Decimal("0.001"),
    "ng/m³": Decimal("0.000001"),
    "g/m³": Decimal("1000"),
}
# How the same units are often typed: ASCII "m3", "u"/micro sign for μ.
_SPELLINGS = (("m^3", "m³"), ("m3", "m³"), ("µ", "μ"), ("ug/", "μg/"))


class UnknownUnit(ValueError):
    pass


def unit_normalised(unit: str) -> str:
    text = (unit or "").strip().replace(" ", "")
    for typed, written in _SPELLINGS:
        text = text.replace(typed, written)
    return text


def to_mg_m3(value: Decimal, unit: str) -> Decimal:
    factor = UNIT_FACTORS.get(unit_normalised(unit))
    if factor is None:
        raise UnknownUnit(unit)
    return value * factor


def exceeds(value_mg_m3: Decimal, limit_mg_m3: Decimal | None) -> bool:
    """GB 18483 and the dust limits are maxima: a value above the limit exceeds it, equal does not."""
    return limit_mg_m3 is not None and value_mg_m3 > limit_mg_m3


@dataclass(frozen=True)
class Window:
    start_month: int
    start_day: int
    end_month: int
    end_day: int

    def covers(self, day: date) -> bool:
        here = (day.month, day.day)
        start, end = (self.start_month, self.start_day), (self.end_month, self.end_day)
        if start <= end:
            return start <= here <= end
        return here >= start or here <= end  # wraps over the new year


def in_any_window(day: date, windows: Iterable[Window]) -> bool:
    return any(window.covers(day) for window in windows)


def window_problem(start_month: int, start_day: int, end_month: int, end_day: int) -> str | None:
    """None when both ends are real days of some year (29 February allowed)."""
    for month, day in ((start_month, start_day), (end_month, end_day)):
        try:
            date(2024, month, day)
        except (TypeError, ValueError):
            return "bad"
    return None


EARTH_RADIUS_M = 6_371_008.8


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine), metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def share(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage to one decimal; None (shown "—") when there is nothing to divide."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
