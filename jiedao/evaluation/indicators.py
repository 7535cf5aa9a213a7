"""考核指标: base counts, rates, 分值, stepped tables, the weighted 综合指标值 and the grade.

Pure: functions of their inputs only (no database, no clock), after standards.md §3. The counts
are gathered by `selectors.py`; what each count means in our loop is written on `BaseCounts`.

Rates are exact `Decimal`s in [0, 1] and `None` when the denominator is 0: a unit with nothing
to measure shows "—", never 0 % and never a crash. Scores (分值) and composites are `Decimal`s
rounded to 0.01 so that a grade boundary (A ≥ 90) is compared exactly.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass
class BaseCounts:
    """The base counts of one evaluated object (a unit, a department or a person) over a period
    [start, end) (standards.md §3.1), as our loop records them.

    Cohorts — each count belongs to the cases (or events) that *entered* a step in the period;
    the outcome is read from the case's timestamps up to the end of the period:

    * intake, by `reported_at` in the period: 上报数 `reported`; 有效上报数 `valid_reported` =
      those that reached 立案 (`filed_at` set) and were not voided afterwards.
    * filing, by `filed_at` in the period: 立案数 `filed`; 立案后作废数 `filed_then_voided`;
      监督举报核实数 `public_reported` = filed cases whose source is a resident, the hotline or an
      inspection (problems the grid's own patrol did not find first: the region's 监督举报率).
    * 作废数 `voided`: cases voided (state 作废) with the void in the period, at any step; of them
      不予立案数 `not_filed` = those voided before 立案 (核实不属实, 不予受理, a void or a merge at
      intake).
    * 督办数 `supervised`: cases that reached 督办 in the period — by the escalation ladder or by a
      leader's hand (one kind of event, `escalate` of the step `supervise`), each case once.
    * dispatch, by `dispatch` events in the period: 派遣数 `dispatches` (= 应派遣数: in our loop
      every dispatch answers a filed case; a re-dispatch after a return counts again);
      回退数 `returns` = approved returns (decide_return, approved) in the period.
    * handling, the cohort of cases *dispatched* in the period (current dispatch; a returned case
      leaves the cohort until it is dispatched again) and not voided:
      应处置数 `due_handling`; 处置数 `handled` = fix reported before the end of the period;
      按期处置数 `handled_on_time` = fixed at or before the deadline; 超期处置数 `handled_late`;
      待处置数 `pending` = not fixed by the end of the period; 超期待处置数 `overdue_pending` =
      pending and past the deadline at the end of the period (or now, if earlier), **except** a
      case suspended (挂账) at that moment: its clock is paused (§4.3), it is not overdue while
      paused; 挂账数 `suspended` = cases of the cohort suspended at the end of the period;
      延期数 `extended` = cases of the cohort with an approved extension.
    * closing, GB/T 30428.4 as transcribed in §3.1: 应结案数 `due_closure` = 处置数 + 超期待处置数;
      结案数 `closed` = of those, closed before the end of the period; 按期结案数 `closed_on_time`
      = closed with closure type 正常结案 (fixed within the deadline, not overridden);
      返工数 `reworked` = cases of 应结案数 sent back at least once (返工);
      一次完成数 `first_time_closed` = closed without any 返工 (§3.2, 连云港 12345);
      差错结案数 `error_closed` = closed as 差错结案 (a veto condition of the rankings);
      回访数 `rated` = of those closed, rated by the resident (回访满意度) before the end of the
      period; 满意数 `satisfied` = rated at least CasePolicy.satisfied_min_score (default 4 of 5).
    * steps with their own time limit (环节时限, cases.workflow.STEPS, limits in CasePolicy, clock
      minutes, §4.1 "分钟", §4.3), from the `CaseEvent` that ended the step in the period: 受理数
      `accepted` = cases the desk took up (受理, 派发核实 or 不予受理), each case once; 受理后立案数
      `accepted_filed` = of those, filed before the end of the period (立案率's numerator);
      按时立案数 `filed_on_time` = 立案 within the limit from 受理 (or 核实属实); 按时派遣数
      `dispatched_on_time` = 派遣 within the limit from 立案 (or an approved 回退); the desk's own:
      核实派发数 `verify_sent` / `verify_sent_on_time` (sent to verify within the 受理 limit of the
      report), 核查派发数 `check_sent` / `check_sent_on_time` (an inspector named within the 受理
      limit of the fix report), 结案办理数 `closings` / 按时结案数 `closings_on_time` (结案 within
      the limit from the passed 核查). A step with nothing to wait for (领导交办 files and dispatches
      at once) is on time.
    * 漏报数 `missed` (§3.2 "经确认的监督员应上报而未上报的问题数"): cases filed in the period that the
      shift lead confirmed at 立案 as missed by the grid's responsible field worker (the 立案 event
      names them); a region counts its cases, a field worker those naming them.
    * field work (grid workers and inspectors only, from `CaseEvent`): 应核实数 `verify_due` =
      verifications asked of the person in the period, 按时核实数 `verify_on_time` = answered by
      them within the verification limit (CasePolicy, clock minutes, §4.1 "分钟"); 应核查数
      `check_due` = checks (pass or 返工) made by the person in the period, 按时核查数
      `check_on_time` = made within the check limit of the fix report.
    """

    reported: int = 0
    valid_reported: int = 0
    accepted: int = 0
    accepted_filed: int = 0
    filed: int = 0
    filed_on_time: int = 0
    missed: int = 0
    filed_then_voided: int = 0
    public_reported: int = 0
    voided: int = 0
    not_filed: int = 0
    supervised: int = 0
    dispatches: int = 0
    dispatched_on_time: int = 0
    returns: int = 0
    due_handling: int = 0
    handled: int = 0
    handled_on_time: int = 0
    handled_late: int = 0
    pending: int = 0
    overdue_pending: int = 0
    suspended: int = 0
    extended: int = 0
    due_closure: int = 0
    closed: int = 0
    closed_on_time: int = 0
    reworked: int = 0
    first_time_closed: int = 0
    error_closed: int = 0
    rated: int = 0
    satisfied: int = 0
    verify_due: int = 0
    verify_on_time: int = 0
    check_due: int = 0
    check_on_time: int = 0
    verify_sent: int = 0
    verify_sent_on_time: int = 0
    check_sent: int = 0
    check_sent_on_time: int = 0
    closings: int = 0
    closings_on_time: int = 0

    def __add__(self, other: "BaseCounts") -> "BaseCounts":
        mine, theirs = self.__dict__, other.__dict__
        return BaseCounts(**{name: mine[name] + theirs[name] for name in COUNT_NAMES})

    def as_dict(self) -> dict[str, int]:
        return {name: self.__dict__[name] for name in COUNT_NAMES}


COUNT_NAMES: tuple[str, ...] = tuple(f.name for f in fields(BaseCounts))

COUNT_LABELS: dict[str, str] = {
    "reported": _("上报数"),
    "valid_reported": _("有效上报数"),
    "accepted": _("受理数"),
    "accepted_filed": _("受理后立案数"),
    "filed": _("立案数"),
    "filed_on_time": _("按时立案数"),
    "missed": _("漏报数"),
    "filed_then_voided": _("立案后作废数"),
    "public_reported": _("监督举报核实数"),
    "voided": _("作废数"),
    "not_filed": _("不予立案数"),
    "supervised": _("督办数"),
    "dispatches": _("派遣数"),
    "dispatched_on_time": _("按时派遣数"),
    "returns": _("回退数"),
    "due_handling": _("应处置数"),
    "handled": _("处置数"),
    "handled_on_time": _("按期处置数"),
    "handled_late": _("超期处置数"),
    "pending": _("待处置数"),
    "overdue_pending": _("超期待处置数"),
    "suspended": _("挂账数"),
    "extended": _("延期数"),
    "due_closure": _("应结案数"),
    "closed": _("结案数"),
    "closed_on_time": _("按期结案数"),
    "reworked": _("返工数"),
    "first_time_closed": _("一次完成数"),
    "error_closed": _("差错结案数"),
    "rated": _("回访数"),
    "satisfied": _("满意数"),
    "verify_due": _("应核实数"),
    "verify_on_time": _("按时核实数"),
    "check_due": _("应核查数"),
    "check_on_time": _("按时核查数"),
    "verify_sent": _("核实派发数"),
    "verify_sent_on_time": _("按时派发核实数"),
    "check_sent": _("核查派发数"),
    "check_sent_on_time": _("按时派发核查数"),
    "closings": _("结案办理数"),
    "closings_on_time": _("按时结案数"),
}


# 口径: what each count means, in the reader's words (the one text every page's tooltip and the
# definitions page show; `BaseCounts` says the same for the programmer). A period [start, end) is
# the 统计期; "期末" is its end, or now while the period is still running.
COUNT_DEFINITIONS: dict[str, str] = {
    "reported": _("统计期内上报的案件数，按上报时间计，不论后来是否立案。"),
    "valid_reported": _("统计期内上报、已立案且未作废的案件数。"),
    "accepted": _("统计期内受理员受理、派发核实或不予受理的案件数，每件只计一次。"),
    "accepted_filed": _("统计期内受理的案件中，期末前已立案的件数。"),
    "filed": _("统计期内立案的案件数，按立案时间计。"),
    "filed_on_time": _("统计期内立案的案件中，受理（或核实属实）后在立案时限内立案的件数；时限见案件流程参数。"),
    "missed": _("统计期内立案的案件中，值班长立案时确认为网格员应巡查发现而未上报的件数（漏报）。"),
    "filed_then_voided": _("统计期内立案、后来作废的案件数。"),
    "public_reported": _("统计期内立案的案件中，由群众、热线或督查检查发现（而不是网格巡查发现）的件数。"),
    "voided": _("统计期内作废的案件数，按作废时间计。"),
    "not_filed": _("统计期内在立案前结束的案件数（核实不属实、不予受理、立案前作废或合并），按作废时间计。"),
    "supervised": _("统计期内进入督办的案件数：系统按时限自动督办和领导督办同样计入，每件只计一次。"),
    "dispatches": _("统计期内的派遣次数；回退后重新派遣再计一次。"),
    "dispatched_on_time": _("统计期内的派遣中，立案（或批准回退）后在派遣时限内派遣的次数。"),
    "returns": _("统计期内批准的回退（错派）次数。"),
    "due_handling": _("统计期内派遣（当前派遣）且未作废的案件数。"),
    "handled": _("应处置的案件中，期末前已报处置完毕的件数。"),
    "handled_on_time": _("应处置的案件中，在处置期限内报处置完毕的件数。"),
    "handled_late": _("应处置的案件中，超过处置期限才报处置完毕的件数。"),
    "pending": _("应处置的案件中，期末仍未处置完毕的件数。"),
    "overdue_pending": _("统计期内派遣的案件中，截至期末（统计期未结束时为此刻）仍未处置完毕且已超过处置期限的件数；期末处于挂账的不计。"),
    "suspended": _("应处置的案件中，期末处于挂账（暂停计时）的件数。"),
    "extended": _("应处置的案件中，批准过延期的件数。"),
    "due_closure": _("处置数 + 超期待处置数（GB/T 30428.4）。"),
    "closed": _("统计期内派遣的案件中，期末前已处置完毕并结案的件数（不是统计期内结案的全部案件）。"),
    "closed_on_time": _("结案的案件中，在处置期限内处置、以正常结案结束的件数。"),
    "reworked": _("应结案的案件中，至少返工过一次的件数。"),
    "first_time_closed": _("结案的案件中，没有返工过的件数。"),
    "error_closed": _("结案的案件中，以差错结案结束的件数。"),
    "rated": _("结案的案件中，期末前居民已回访评价的件数。"),
    "satisfied": _("回访的案件中，评分达到满意线（案件设置中的满意最低分）的件数。"),
    "verify_due": _("统计期内交给此人核实的案件数。"),
    "verify_on_time": _("交给此人核实的案件中，在核实时限内由此人核实的件数。"),
    "check_due": _("统计期内此人做的核查（通过或返工）次数。"),
    "check_on_time": _("此人的核查中，在处置上报后的核查时限内完成的次数。"),
    "verify_sent": _("统计期内派发核实的次数。"),
    "verify_sent_on_time": _("派发核实中，在上报后的受理时限内派发的次数。"),
    "check_sent": _("统计期内为已处置案件指派核查人的次数（系统自动指派的不计）。"),
    "check_sent_on_time": _("指派核查人中，在处置上报后的受理时限内指派的次数。"),
    "closings": _("统计期内结案的次数。"),
    "closings_on_time": _("结案中，在核查通过后的结案时限内结案的次数。"),
}


def ratio(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator, or None when there is nothing to measure."""
    if denominator <= 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


@dataclass(frozen=True)
class Rate:
    key: str
    label: str
    numerator: Callable[[BaseCounts], int]
    denominator: str
    lower_is_better: bool
    source: str

    def of(self, counts: BaseCounts) -> Decimal | None:
        return ratio(self.numerator(counts), getattr(counts, self.denominator))


def _count(name: str) -> Callable[[BaseCounts], int]:
    def numerator(counts: BaseCounts) -> int:
        return getattr(counts, name)
    numerator.count_name = name  # type: ignore[attr-defined]  # read by rate_definition
    return numerator


# standards.md §3.2; "lower is better" rates score (1 − rate) × 100 (§3 preamble).
RATES: dict[str, Rate] = {rate.key: rate for rate in [
    Rate("valid_report_rate", _("有效上报率"), _count("valid_reported"), "reported", False,
         "§3.2 有效上报数 / 上报数"),
    Rate("accurate_filing_rate", _("准确立案率"), lambda c: c.filed - c.filed_then_voided, "filed", False,
         "§3.2 (立案数 − 作废数) / 立案数; 作废 counted among the filed cases"),
    Rate("public_report_rate", _("监督举报率"), _count("public_reported"), "filed", True,
         "§3.2 监督举报核实数 / 立案数 (区域)"),
    Rate("missed_report_rate", _("漏报率"), _count("missed"), "filed", True,
         "§3.2 漏报数 / 立案数; 漏报 = 经确认的监督员应上报而未上报的问题数 (confirmed by the shift lead at 立案)"),
    Rate("filing_rate", _("立案率"), _count("accepted_filed"), "accepted", False,
         "§3.2 立案数 / 受理数 [practice]: of the cases the desk took up, those filed"),
    Rate("on_time_filing_rate", _("按时立案率"), _count("filed_on_time"), "filed", False,
         "§3.2 按时立案数 / 立案数 (立案时限, §4.3)"),
    Rate("on_time_dispatch_rate", _("按时派遣率"), _count("dispatched_on_time"), "dispatches", False,
         "§3.2 按时派遣数 / 应派遣数 (派遣时限, §4.3)"),
    Rate("verify_dispatch_on_time_rate", _("核实按时派发率"), _count("verify_sent_on_time"), "verify_sent", False,
         "§3.3 受理员: 按时派发核实数 / 核实派发数"),
    Rate("check_dispatch_on_time_rate", _("核查按时派发率"), _count("check_sent_on_time"), "check_sent", False,
         "§3.3 受理员: 按时派发核查数 / 核查派发数"),
    Rate("on_time_closing_rate", _("按时结案率"), _count("closings_on_time"), "closings", False,
         "§3.3 值班长: 按时结案数 / 结案办理数 (结案时限)"),
    # §3.2 "Prefer 派遣数 − 回退(错派)数"; never below 0 when returns answer last period's dispatches.
    Rate("accurate_dispatch_rate", _("准确派遣率"), lambda c: max(c.dispatches - c.returns, 0), "dispatches", False,
         "§3.2 (派遣数 − 回退数) / 应派遣数"),
    Rate("handling_rate", _("处置率"), _count("handled"), "due_handling", False, "§3.2 处置数 / 应处置数"),
    Rate("on_time_handling_rate", _("按期处置率"), _count("handled_on_time"), "due_handling", False,
         "§3.2 按期处置数 / 应处置数"),
    Rate("overdue_pending_rate", _("超期待处置率"), _count("overdue_pending"), "due_handling", True,
         "§3.2 超期待处置数 / 应处置数 (金牛区)"),
    Rate("extension_rate", _("延期率"), _count("extended"), "due_handling", True, "§3.2 延期数 / 应处置数 (金牛区)"),
    Rate("closure_rate", _("结案率"), _count("closed"), "due_closure", False, "§3.2 结案数 / 应结案数"),
    Rate("on_time_closure_rate", _("按期结案率"), _count("closed_on_time"), "due_closure", False,
         "§3.2 按期结案数 / 应结案数"),
    Rate("rework_rate", _("返工率"), _count("reworked"), "due_closure", True, "§3.2 返工数 / 应结案数"),
    Rate("first_time_rate", _("一次完成率"), _count("first_time_closed"), "closed", False,
         "§3.2 无返工结案数 / 结案数 (连云港 12345)"),
    Rate("satisfaction_rate", _("回访满意率"), _count("satisfied"), "rated", False,
         "满意数 / 回访数 (the residents' rating of closed cases, portal or phone)"),
    Rate("on_time_verify_rate", _("按时核实率"), _count("verify_on_time"), "verify_due", False,
         "§3.2 按时核实数 / 应核实数"),
    Rate("on_time_check_rate", _("按时核查率"), _count("check_on_time"), "check_due", False,
         "§3.2 按时核查数 / 应核查数"),
]}



# 口径 of each rate: its formula in the counts' own names, read from the `Rate` the figure is computed
# with (a plain count as numerator names itself; the two differences are written here).
RATE_NUMERATORS: dict[str, str] = {
    "accurate_filing_rate": _("（立案数 − 立案后作废数）"),
    "accurate_dispatch_rate": _("（派遣数 − 回退数）"),
}


def rate_definition(key: str) -> str:
    """"按期结案数 ÷ 应结案数 × 100%" for a rate, from the counts it divides."""
    rate = RATES[key]
    numerator = RATE_NUMERATORS.get(key) or _rate_numerator_label(key)
    text = _("%(numerator)s ÷ %(denominator)s × 100%%") % {
        "numerator": numerator, "denominator": COUNT_LABELS[rate.denominator]}
    if rate.lower_is_better:
        text += _("；越低越好，分值 = (1 − 比率) × 100")
    return text


def _rate_numerator_label(key: str) -> str:
    return str(COUNT_LABELS[RATES[key].numerator.count_name])  # type: ignore[attr-defined]


# What each kind of evaluated object (ObjectType's values) is shown and judged on, in this order
# (standards.md §3.3): regions and departments on the loop, grid workers and inspectors on their
# own field work.
_HANDLING = ("due_handling", "handled_on_time", "overdue_pending", "due_closure", "closed", "closed_on_time", "reworked",
             "supervised", "not_filed")
_HANDLING_RATES = ("on_time_handling_rate", "closure_rate", "on_time_closure_rate", "rework_rate",
                   "overdue_pending_rate", "satisfaction_rate")
MEASURED_ON: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "region": (("accepted", "filed", "missed", *_HANDLING),
               (*_HANDLING_RATES, "filing_rate", "on_time_filing_rate", "on_time_dispatch_rate", "missed_report_rate")),
    "department": (("filed", *_HANDLING), _HANDLING_RATES),
    "field_worker": (("reported", "valid_reported", "filed", "missed", "verify_due", "verify_on_time",
                      "check_due", "check_on_time"),
                     ("valid_report_rate", "missed_report_rate", "on_time_verify_rate", "on_time_check_rate")),
    # §3.3 the command centre's posts: 受理员, 值班长, 派遣员
    "intake_clerk": (("accepted", "verify_sent", "verify_sent_on_time", "check_sent", "check_sent_on_time"),
                     ("verify_dispatch_on_time_rate", "check_dispatch_on_time_rate")),
    "shift_lead": (("filed", "filed_on_time", "filed_then_voided", "closings", "closings_on_time"),
                   ("on_time_filing_rate", "accurate_filing_rate", "on_time_closing_rate")),
    "dispatcher": (("dispatches", "dispatched_on_time", "returns"), ("on_time_dispatch_rate", "accurate_dispatch_rate")),
}


def rates_of(counts: BaseCounts) -> dict[str, Decimal | None]:
    return {key: rate.of(counts) for key, rate in RATES.items()}


def rate_score(rate: Decimal | None, *, lower_is_better: bool) -> Decimal | None:
    """分值 of a rate: rate × 100, or (1 − rate) × 100 where lower is better (§3)."""
    if rate is None:
        return None
    value = (1 - rate) if lower_is_better else rate
    return (value * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- stepped tables (§3.3)

STEP_OPERATORS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    ">=": lambda value, bound: value >= bound,
    ">": lambda value, bound: value > bound,
    "<=": lambda value, bound: value <= bound,
    "<": lambda value, bound: value < bound,
}


def stepped_score(value: Decimal | int | None, table: Mapping) -> Decimal | None:
    """The score of a volume from a stepped table: the first step whose condition holds, else
    the table's `otherwise` (§3.3 "Volume scores are stepped tables").

    A table is `{"steps": [{"op": "<=", "value": 50, "score": 100}, …], "otherwise": 0}`."""
    if value is None:
        return None
    value = Decimal(value)
    for step in table["steps"]:
        if STEP_OPERATORS[step["op"]](value, Decimal(str(step["value"]))):
            return Decimal(str(step["score"])).quantize(CENT)
    return Decimal(str(table.get("otherwise", 0))).quantize(CENT)


def validate_stepped_table(table, *, name: str) -> None:
    if not isinstance(table, Mapping) or not isinstance(table.get("steps"), list) or not table["steps"]:
        raise ValidationError(_("分档表“%(name)s”须包含至少一档"), params={"name": name}, code="steps")
    for step in table["steps"]:
        if not isinstance(step, Mapping) or step.get("op") not in STEP_OPERATORS:
            raise ValidationError(_("分档表“%(name)s”的比较符须为 >=、>、<= 或 <"), params={"name": name}, code="op")
        try:
            Decimal(str(step["value"]))
            score = Decimal(str(step["score"]))
        except (KeyError, ArithmeticError, ValueError):
            raise ValidationError(_("分档表“%(name)s”的界值和分值须为数字"), params={"name": name},
                                  code="number") from None
        if not 0 <= score <= 100:
            raise ValidationError(_("分档表“%(name)s”的分值须在 0 到 100 之间"), params={"name": name}, code="range")


# ---------------------------------------------------------------- 综合指标值 and grades (§3.3)

def validate_weights(weights) -> None:
    """Weights are percentages of named scores and must add up to exactly 100 %."""
    if not isinstance(weights, Mapping) or not weights:
        raise ValidationError(_("请至少设置一项权重"), code="empty")
    try:
        values = [Decimal(str(value)) for value in weights.values()]
    except ArithmeticError:
        raise ValidationError(_("权重须为数字"), code="number") from None
    if any(value <= 0 for value in values):
        raise ValidationError(_("每项权重须大于 0"), code="positive")
    total = sum(values, Decimal(0))
    if total != HUNDRED:
        raise ValidationError(_("各项权重合计须为 100%%，当前合计 %(total)s%%"),
                              params={"total": f"{total.normalize():f}"}, code="sum")


def composite_score(scores: Mapping[str, Decimal | None], weights: Mapping[str, object]) -> Decimal | None:
    """综合指标值 = Σ 分值 × 权重 (§3.3). None when any weighted score is missing (its denominator
    was 0): a partial sum would rank a unit with nothing to measure above one that was measured.
    None too without weights (a scheme not yet set up): nothing was weighed."""
    if not weights:
        return None
    total = Decimal(0)
    for key, weight in weights.items():
        score = scores.get(key)
        if score is None:
            return None
        total += score * Decimal(str(weight)) / HUNDRED
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def blended_score(composite: Decimal | None, inspection: Decimal | None, inspection_weight: int) -> Decimal | None:
    """The score a ranking rule ranks by: the 综合指标值 and an inspection checklist's average (on 100),
    weighted by the rule (issue 9). None when a weighed part is missing, as in `composite_score`."""
    if inspection_weight <= 0:
        return composite
    if inspection_weight >= 100:
        return inspection
    if composite is None or inspection is None:
        return None
    weight = Decimal(inspection_weight)
    return ((composite * (HUNDRED - weight) + inspection * weight) / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def grade_for(score: Decimal | None, thresholds: list[tuple[str, Decimal]]) -> str | None:
    """评价等级: the first grade whose minimum the score reaches, thresholds highest first
    (§3.3: A ≥90, B ≥75, C ≥60, D ≥40, E <40). None ("—") when there is no score."""
    if score is None:
        return None
    for grade, minimum in sorted(thresholds, key=lambda pair: pair[1], reverse=True):
        if score >= minimum:
            return grade
    return None


# ---------------------------------------------------------------- ranking (§3.4, §7)

def competition_ranks(scores: list[Decimal | None]) -> list[int | None]:
    """Standard competition ranking ("1, 2, 2, 4") of scores, highest first; None stays unranked."""
    ordered = sorted((score for score in scores if score is not None), reverse=True)
    first_position: dict[Decimal, int] = {}
    for position, score in enumerate(ordered, start=1):
        first_position.setdefault(score, position)
    return [None if score is None else first_position[score] for score in scores]


def bottom_ranks(scores: list[Decimal | None]) -> list[int | None]:
    """The same ranking counted from the bottom, ties sharing a place (for 黑榜 bottom N)."""
    ordered = sorted(score for score in scores if score is not None)
    first_position: dict[Decimal, int] = {}
    for position, score in enumerate(ordered, start=1):
        first_position.setdefault(score, position)
    return [None if score is None else first_position[score] for score in scores]
