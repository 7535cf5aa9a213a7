"""Reads of the accountability register (问责清单)."""

from datetime import date

from django.db.models import QuerySet

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


def finding_evidence(*, finding: Finding) -> QuerySet[FindingEvidence]:
    """The evidence cases of one finding, each with its role, oldest report first."""
    return (FindingEvidence.objects.filter(finding=finding)
            .select_related("case", "case__item", "case__department", "case__grid")
            .order_by("case__reported_at", "case_id", "role"))


def repeat_points(*, start: date, end: date, within: str = "", at_most: int = 300) -> list[dict]:
    """热点: where a problem came back after it was closed, as the register's repeat-point rule found
    it (current findings overlapping the period): the point of each repeated case, under the unit
    whose path is `within` when given."""
    rows = (FindingEvidence.objects.filter(role=EvidenceRole.REPEAT, finding__period_end__gte=start,
                                           finding__period_start__lte=end,
                                           case__territory_path__startswith=within)
            .exclude(finding__state=FindingState.SUPERSEDED)
            .values_list("case__number", "case__longitude", "case__latitude", "case__item__name")
            .distinct().order_by("-case__reported_at")[:at_most])
    return [{"number": number, "lon": lon, "lat": lat, "item": item} for number, lon, lat, item in rows]
