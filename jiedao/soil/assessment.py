"""Pure: a measured value in mg/kg against the limit of its point's land-use class (and, for
farmland, the sample's pH band). GB 15618-2018 / GB 36600-2018 (standards.md §8): at or below the
筛选值 the risk is low; above it and at or below the 管制值 it is to be assessed; above the 管制值
it must be controlled. A class without a 管制值 for the parameter (GB 15618: Cu, Ni, Zn) stops at
"above screening"."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .models import Level

# Declared units and their factor to mg/kg; anything else is refused, never guessed.
UNIT_FACTORS: dict[str, Decimal] = {
    "mg/kg": Decimal("1"),
    "ppm": Decimal("1"),
    "μg/g": Decimal("1"),
    "μg/kg": Decimal("0.001"),
    "ng/g": Decimal("0.001"),
    "g/kg": Decimal("1000"),
}

FLAGGED_LEVELS = frozenset({Level.ABOVE_SCREENING, Level.ABOVE_CONTROL})


class UnknownUnit(ValueError):
    pass


def to_mg_per_kg(value: Decimal, unit: str) -> Decimal:
    factor = UNIT_FACTORS.get((unit or "").strip().replace("ug", "μg"))
    if factor is None:
        raise UnknownUnit(unit)
    return value * factor


@dataclass(frozen=True)
class Limit:
    parameter: str
    screening_value: Decimal
    control_value: Decimal | None
    ph_above: Decimal | None = None
    ph_up_to: Decimal | None = None

    def covers(self, ph: Decimal | None) -> bool:
        if self.ph_above is None and self.ph_up_to is None:
            return True
        if ph is None:
            return False
        return (self.ph_above is None or ph > self.ph_above) and (self.ph_up_to is None or ph <= self.ph_up_to)


def limit_for(limits: Iterable[Limit], *, parameter: str, ph: Decimal | None) -> Limit | None:
    """The limit for a parameter in a pH band (GB 15618: pH ≤ 5.5, 5.5 < pH ≤ 6.5, 6.5 < pH ≤ 7.5,
    pH > 7.5); None when the class has none."""
    for limit in limits:
        if limit.parameter == parameter and limit.covers(ph):
            return limit
    return None


def assess(value_mg_per_kg: Decimal, limit: Limit | None) -> Level:
    if limit is None:
        return Level.NO_LIMIT
    if limit.control_value is not None and value_mg_per_kg > limit.control_value:
        return Level.ABOVE_CONTROL
    if value_mg_per_kg > limit.screening_value:
        return Level.ABOVE_SCREENING
    return Level.BELOW_SCREENING


LEVEL_ORDER = [Level.NO_LIMIT, Level.BELOW_SCREENING, Level.ABOVE_SCREENING, Level.ABOVE_CONTROL]


def worst(levels: Iterable[str]) -> str | None:
    ranked = [LEVEL_ORDER.index(level) for level in levels]
    return LEVEL_ORDER[max(ranked)] if ranked else None


def share_percent(part: int, whole: int) -> Decimal | None:
    """part / whole × 100, one decimal; None when whole is 0 (no data, never 0 %)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
