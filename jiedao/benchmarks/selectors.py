"""Reads of the benchmarking: the gap report of a title for a period (差距分析), criterion by criterion.

Every figure comes from `evaluation/measures.py` (the same numbers as the dashboard and the
evaluation); the arithmetic is `gaps.py`. All measures of one report share one read of the cases
per period (`shared_counts`): the chosen period and the six months of the trend."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiedao.evaluation.measures import Measure, UnknownMeasure, measure_for
from jiedao.evaluation.periods import Period, period_between
from jiedao.evaluation.selectors import shared_counts
from jiedao.territory.models import Unit, UnitLevel

from . import gaps
from .formats import EMPTY, gap_text, listed, required_text, value_text, with_gap
from .models import Criterion, Decision, EvidenceSubmission, Method, PeerFigure, PeerUnit, TargetTitle


class Status:
    MET = "met"
    NOT_MET = "not_met"
    NO_DATA = "no_data"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    PENDING = "pending"
    MISSING = "missing"


STATUS_LABELS = {
    Status.MET: gettext_lazy("达标"), Status.NOT_MET: gettext_lazy("未达标"), Status.NO_DATA: gettext_lazy("无数据"),
    Status.ACCEPTED: gettext_lazy("已通过"), Status.REJECTED: gettext_lazy("未通过"),
    Status.PENDING: gettext_lazy("待审核"), Status.MISSING: gettext_lazy("未提交"),
}


@dataclass
class MonthFigure:
    first_day: date
    value: Decimal | None
    text: str


@dataclass
class CommunityFigure:
    unit: Unit
    value: Decimal
    text: str
    gap_text: str

    @property
    def text_with_gap(self) -> str:
        return with_gap(self.text, self.gap_text)


@dataclass
class CriterionRow:
    criterion: Criterion
    measure: Measure | None = None
    value: Decimal | None = None
    gap: Decimal | None = None
    met: bool = False
    status: str = Status.NO_DATA
    trend: list[MonthFigure] = field(default_factory=list)
    trend_direction: int = 0
    holding_down: list[CommunityFigure] = field(default_factory=list)
    peer_figure: PeerFigure | None = None
    evidence: EvidenceSubmission | None = None
    problem: str = ""  # why there is no figure, when it is not the data's fault

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def value_text(self) -> str:
        if not self.criterion.is_measured:
            return self.status_label
        return value_text(self.value, self.criterion.unit)

    @property
    def required_text(self) -> str:
        if not self.criterion.is_measured:
            return _("审核通过")
        return required_text(self.criterion.comparator, self.criterion.required_value, self.criterion.unit)

    @property
    def gap_text(self) -> str:
        return gap_text(self.gap, self.criterion.unit) if self.criterion.is_measured else EMPTY

    @property
    def peer_text(self) -> str:
        if self.peer_figure is None:
            return EMPTY
        return value_text(self.peer_figure.value, self.criterion.unit)

    @property
    def trend_text(self) -> str:
        return " / ".join(month.text for month in self.trend)

    @property
    def trend_chart(self) -> str:
        return gaps.trend_svg([month.value for month in self.trend], self.criterion.required_value)

    @property
    def holding_down_text(self) -> str:
        return listed(f"{figure.unit.name} {with_gap(figure.text, figure.gap_text)}"
                      for figure in self.holding_down) or EMPTY


@dataclass
class GapReport:
    title: TargetTitle
    unit: Unit | None
    period: Period
    rows: list[CriterionRow]
    summary: gaps.Summary
    peer: PeerUnit | None
    peers: list[PeerUnit]
    trend_months: list[date]

    @property
    def has_samples(self) -> bool:
        return self.title.is_sample or any(row.criterion.is_sample for row in self.rows)

    @property
    def not_met(self) -> list[CriterionRow]:
        return [row for row in self.rows if not row.met]


def titles_active() -> QuerySet[TargetTitle]:
    return TargetTitle.objects.filter(is_active=True).order_by("pk")


def title_unit(title: TargetTitle) -> Unit | None:
    """The unit working towards the title: its own, else the (first) sub-district, else the root."""
    if title.unit_id is not None:
        return title.unit
    return (Unit.objects.filter(level=UnitLevel.SUBDISTRICT).order_by("path").first()
            or Unit.objects.order_by("path").first())


def peers_of(title: TargetTitle) -> list[PeerUnit]:
    return list(PeerUnit.objects.filter(figures__criterion__title=title).distinct().order_by("pk"))


def latest_submissions(criteria: list[Criterion]) -> dict[int, EvidenceSubmission]:
    """The newest submission of each criterion (the one that counts)."""
    latest: dict[int, EvidenceSubmission] = {}
    for submission in (EvidenceSubmission.objects.filter(criterion__in=criteria)
                       .select_related("submitted_by", "decided_by").order_by("-submitted_at", "-pk")):
        latest.setdefault(submission.criterion_id, submission)
    return latest


def _peer_figures(peer: PeerUnit | None, criteria: list[Criterion], last_day: date) -> dict[int, PeerFigure]:
    """Per criterion, the peer's most recent figure known at the end of the period."""
    if peer is None:
        return {}
    figures: dict[int, PeerFigure] = {}
    for figure in (PeerFigure.objects.filter(peer=peer, criterion__in=criteria, first_day__lte=last_day)
                   .order_by("-last_day", "-first_day")):
        figures.setdefault(figure.criterion_id, figure)
    return figures


def _evidence_row(row: CriterionRow, submission: EvidenceSubmission | None) -> None:
    row.evidence = submission
    if submission is None:
        row.status = Status.MISSING
    elif submission.decision == Decision.ACCEPTED:
        row.status, row.met = Status.ACCEPTED, True
    elif submission.decision == Decision.REJECTED:
        row.status = Status.REJECTED
    else:
        row.status = Status.PENDING


def _measured_row(row: CriterionRow, *, unit: Unit, communities: list[Unit], period: Period,
                  months: list[Period], detail: bool) -> None:
    criterion = row.criterion
    try:
        row.measure = measure = measure_for(criterion.measure_key)
    except UnknownMeasure as error:
        row.problem = str(error.message)
        return
    figures = measure.values([unit, *communities] if detail else [unit], period.start, period.end)
    row.value = figures[unit.pk]
    row.gap = gaps.gap(row.value, criterion.required_value, criterion.comparator)
    row.met = gaps.is_met(row.value, criterion.required_value, criterion.comparator)
    row.status = Status.NO_DATA if row.value is None else (Status.MET if row.met else Status.NOT_MET)
    if not detail:
        return
    for month in months:
        value = measure.values([unit], month.start, month.end)[unit.pk]
        row.trend.append(MonthFigure(first_day=month.first_day, value=value, text=value_text(value, criterion.unit)))
    row.trend_direction = gaps.trend_direction([month.value for month in row.trend], criterion.comparator)
    for community, value in gaps.holding_down([(c, figures[c.pk]) for c in communities],
                                              criterion.required_value, criterion.comparator):
        row.holding_down.append(CommunityFigure(
            unit=community, value=value, text=value_text(value, criterion.unit),
            gap_text=gap_text(gaps.gap(value, criterion.required_value, criterion.comparator), criterion.unit)))


def gap_report(*, title: TargetTitle, period: Period, peer: PeerUnit | None = None,
               detail: bool = True) -> GapReport:
    """Where the unit stands against each criterion of `title` over `period`. With `detail`, also the
    trend of the last six months, the communities holding each figure down and the peer's figures;
    without, only the figures and the summary (the list of titles)."""
    unit = title_unit(title)
    criteria = list(title.criteria.select_related("department").order_by("order", "pk"))
    communities = list(Unit.objects.filter(level=UnitLevel.COMMUNITY, path__startswith=unit.path)
                       .order_by("path")) if unit is not None else []
    months = [period_between(first, day_after - timedelta(days=1), tz=period.start.tzinfo)
              for first, day_after in gaps.months_up_to(period.last_day)]
    submissions = latest_submissions(criteria)
    peers = peers_of(title) if detail else []
    peer_figures = _peer_figures(peer, criteria, period.last_day) if detail else {}
    rows = []
    with shared_counts():
        for criterion in criteria:
            row = CriterionRow(criterion=criterion, peer_figure=peer_figures.get(criterion.pk))
            if criterion.method == Method.EVIDENCE:
                _evidence_row(row, submissions.get(criterion.pk))
            elif unit is not None:
                _measured_row(row, unit=unit, communities=communities, period=period, months=months, detail=detail)
            rows.append(row)
    return GapReport(title=title, unit=unit, period=period, rows=rows,
                     summary=gaps.summarise([(row.met, row.criterion.weight) for row in rows]),
                     peer=peer, peers=peers, trend_months=[month.first_day for month in months])


def submissions_of(*, criterion: Criterion) -> QuerySet[EvidenceSubmission]:
    """Every submission of a criterion, newest first, with its files: the history stays."""
    return (criterion.submissions.select_related("submitted_by", "decided_by").prefetch_related("files")
            .order_by("-submitted_at", "-pk"))
