"""The rates of standards.md §6, as pure arithmetic on totals (no database, no clock).

Every rate is a share 0–1 as a `Decimal`, or None when its denominator is zero (无数据): never 0,
never a division error. §10: no national formula text was found for 参与率 and 准确率; the 口径
below are the common practice §6 records, written once here and shown as every figure's tooltip."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

KG_PER_UNIT = {"kg": Decimal(1), "千克": Decimal(1), "公斤": Decimal(1), "t": Decimal(1000), "吨": Decimal(1000)}


class UnknownUnit(ValueError):
    pass


def to_kg(value: Decimal, unit: str) -> Decimal:
    """A weight in the unit the scale declared, in kg; an unknown unit is refused, never guessed."""
    factor = KG_PER_UNIT.get((unit or "").strip().lower())
    if factor is None:
        raise UnknownUnit(unit)
    return value * factor


@dataclass(frozen=True)
class WasteTotals:
    """What the rates of one place and period are computed from (weights in kg)."""

    households: int = 0            # households served by the points
    households_covered: int = 0    # … by points that sort (已开展分类)
    households_seen: int = 0       # households surveyed or observed (督导 / 入户调查)
    households_sorting: int = 0    # … of whom sorted their waste
    bins_checked: int = 0          # bins (bags) opened in spot checks
    bins_correct: int = 0          # … correctly sorted
    collected: Decimal = Decimal(0)             # 清运量: every class at the 收集 stage
    collected_recyclable: Decimal = Decimal(0)  # 可回收物 at the 收集 stage
    collected_residual: Decimal = Decimal(0)    # 其他垃圾 at the 收集 stage
    kitchen_recovered: Decimal = Decimal(0)     # 厨余垃圾 treated at a 资源化 facility (处理 stage)
    treated_recovered: Decimal = Decimal(0)     # every class treated at a 资源化 facility
    treated_harmless: Decimal = Decimal(0)      # every class treated at a 无害化 facility
    base_residual: Decimal = Decimal(0)         # 其他垃圾 collected in the base period (a year earlier)

    def __add__(self, other: "WasteTotals") -> "WasteTotals":
        return WasteTotals(**{name: getattr(self, name) + getattr(other, name)
                              for name in self.__dataclass_fields__})


def share(numerator, denominator) -> Decimal | None:
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def coverage_rate(t: WasteTotals) -> Decimal | None:
    return share(t.households_covered, t.households)


def participation_rate(t: WasteTotals) -> Decimal | None:
    return share(t.households_sorting, t.households_seen)


def accuracy_rate(t: WasteTotals) -> Decimal | None:
    return share(t.bins_correct, t.bins_checked)


def recycling_rate(t: WasteTotals) -> Decimal | None:
    return share(t.collected_recyclable + t.kitchen_recovered, t.collected)


def resource_rate(t: WasteTotals) -> Decimal | None:
    return share(t.treated_recovered, t.collected)


def harmless_rate(t: WasteTotals) -> Decimal | None:
    return share(t.treated_harmless, t.collected)


def reduction_rate(t: WasteTotals) -> Decimal | None:
    """Positive when less 其他垃圾 than in the base period, negative when more."""
    return share(t.base_residual - t.collected_residual, t.base_residual)


@dataclass(frozen=True)
class Rate:
    key: str
    label: str
    definition: str
    of: object  # WasteTotals -> Decimal | None
    higher_is_better: bool = True


RATES: dict[str, Rate] = {rate.key: rate for rate in [
    Rate("coverage", _("覆盖率"), _("已开展分类的投放点服务户数 ÷ 全部投放点服务户数"), coverage_rate),
    Rate("participation", _("参与率"), _("督导记录与入户调查中参与分类投放的户数 ÷ 调查（观察）户数"),
         participation_rate),
    Rate("accuracy", _("投放准确率"), _("抽检中分类正确的桶（袋）数 ÷ 抽检桶（袋）总数"), accuracy_rate),
    Rate("recycling", _("回收利用率"),
         _("（收集环节的可回收物量 + 在资源化设施处理的厨余垃圾量）÷ 生活垃圾清运量（收集环节各类之和）"), recycling_rate),
    Rate("resource", _("资源化利用率"), _("在计入资源化利用的设施处理的量 ÷ 生活垃圾清运量"), resource_rate),
    Rate("harmless", _("无害化处理率"), _("在计入无害化处理的设施处理的量 ÷ 生活垃圾清运量"), harmless_rate),
    Rate("reduction", _("减量率"), _("（上年同期其他垃圾清运量 − 本期其他垃圾清运量）÷ 上年同期其他垃圾清运量"),
         reduction_rate),
]}


def stage_mismatch(*, upstream: Decimal, downstream: Decimal, tolerance_percent: Decimal) -> bool:
    """Collected ≠ delivered (or delivered ≠ treated) beyond the tolerance, as a share of the upstream
    quantity. Something arriving from nothing is always a mismatch; nothing from nothing is not."""
    if upstream == 0:
        return downstream != 0
    return abs(upstream - downstream) * 100 > abs(upstream) * tolerance_percent
