"""Inspection scores as measures: one per checklist in force, key `inspection:<checklist code>`,
the average score (分, higher is better) of the submitted inspections of each unit (and the units
under it) over [start, end), after re-inspection deductions — the figure of the scores page.
`jiedao/evaluation/measures.py` lists these beside the evaluation's own (its `CONTRIBUTED`)."""

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from jiedao.checklists.selectors import checklists_in_force
from jiedao.evaluation.measures import SCORE, Measure, Reader, Values
from jiedao.territory.models import Unit

from .selectors import unit_scores


def _reader(checklist_id: int) -> Reader:
    def read(units: list[Unit], start: datetime, end: datetime) -> Values:
        return {pk: score.average for pk, score in
                unit_scores(checklist=checklist_id, units=units, start=start, end=end).items()}
    return read


def inspection_measures() -> list[Measure]:
    return [
        Measure(key=f"inspection:{version.checklist.code}",
                label=_("%(checklist)s 检查平均分") % {"checklist": version.checklist.name}, unit=SCORE,
                higher_is_better=True, reader=_reader(version.checklist_id),
                source=_("已提交检查的平均得分（含复查扣分）"))
        for version in checklists_in_force()
    ]
