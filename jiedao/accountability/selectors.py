"""Reads of the accountability register (问责清单)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet

from jiedao.cases.models import Case
from jiedao.cases.selectors import cases_in_reach

from .models import EvidenceRole, Finding, FindingEvidence, FindingState


def register(*, start: date | None = None, end: date | None = None, state: str | None = None) -> QuerySet[Finding]:
    """The register's entries whose period overlaps `start`–`end` (either bound optional), in one
    state or all of them (superseded ones included: nothing is hidden from the record)."""
    findings = Finding.objects.select_related(
        "rule", "subject_unit", "subject_organisation", "subject_person", "decided_by", "superseded_by")
    if start is not None:
        findings = findings.filter(period_end__gte=start)
    if end is not None:
        findings = findings.filter(period_start__lte=end)
    if state is not None:
        findings = findings.filter(state=state)
    return findings.order_by("-period_end", "rule__kind", "rule__code", "subject_key", "-created_at", "-pk")


@dataclass(frozen=True)
class EvidenceInReach:
    rows: list[FindingEvidence]  # the evidence rows of cases the person may open
    hidden_count: int  # the other evidence cases, counted and never named
    inspections: list[FindingEvidence] = field(default_factory=list)  # inspections the person may open
    hidden_inspections: int = 0  # the other evidence inspections, counted and never named


def finding_evidence(*, finding: Finding, user) -> EvidenceInReach:
    """The evidence of one finding that `user` may open (the case pages' rule, the inspections'
    rule), each with its role, oldest first, and how many other cases or inspections it rests on."""
    from jiedao.inspections.selectors import inspections_visible_to

    reach = cases_in_reach(user=user, cases=Case.objects.filter(
        pk__in=finding.evidence.filter(case__isnull=False).values("case_id")))
    rows = (FindingEvidence.objects.filter(finding=finding, case__in=reach.visible)
            .select_related("case", "case__item", "case__department", "case__grid")
            .order_by("case__reported_at", "case_id", "role"))
    inspection_rows = FindingEvidence.objects.filter(finding=finding, inspection__isnull=False)
    visible = (inspection_rows.filter(inspection__in=inspections_visible_to(user=user))
               .select_related("inspection", "inspection__unit", "inspection__checklist")
               .order_by("inspection__started_at", "inspection_id", "role"))
    visible = list(visible)
    return EvidenceInReach(rows=list(rows), hidden_count=reach.hidden_count, inspections=visible,
                           hidden_inspections=inspection_rows.count() - len(visible))


@dataclass(frozen=True)
class RepeatPoints:
    points: list[dict]  # number, lon, lat, item of each repeated case the person may open
    hidden_count: int  # repeated cases outside what the person may open


def repeat_points(*, user, start: date, end: date, within: str = "", at_most: int = 300) -> RepeatPoints:
    """热点: where a problem came back after it was closed, as the register's repeat-point rule found
    it (current findings overlapping the period): the point of each repeated case `user` may open,
    under the unit whose path is `within` when given; the others only counted."""
    evidence = (FindingEvidence.objects.filter(role=EvidenceRole.REPEAT, finding__period_end__gte=start,
                                               finding__period_start__lte=end)
                .exclude(finding__state=FindingState.SUPERSEDED))
    reach = cases_in_reach(user=user, cases=Case.objects.filter(pk__in=evidence.values("case_id"),
                                                               territory_path__startswith=within))
    rows = (reach.visible.values_list("number", "longitude", "latitude", "item__name")
            .order_by("-reported_at")[:at_most])
    return RepeatPoints(points=[{"number": number, "lon": lon, "lat": lat, "item": item}
                                for number, lon, lat, item in rows],
                        hidden_count=reach.hidden_count)
