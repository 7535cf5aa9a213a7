"""Reads of the accountability register (问责清单)."""

from datetime import date

from django.db.models import QuerySet

from .models import Finding, FindingEvidence


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
