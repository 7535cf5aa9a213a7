"""Writes of the accountability register: the rules' refresh and the leader's decision. Reads
(`register`, `finding_evidence`) sit in `selectors.py`, re-exported here for convenience."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from jiedao import clock
from jiedao.cases.errors import InvalidInput, NotAllowed, WrongState
from jiedao.territory.access import user_roles
from jiedao.territory.models import Organisation, Role, Unit
from jiedao.worktime.selectors import working_calendar

from .models import (
    AccountabilityRule,
    Decision,
    Finding,
    FindingEvidence,
    FindingState,
    RuleCode,
    SubjectKind,
)
from .rules import RULES, Candidate, Subject, Window
from .selectors import finding_evidence, register  # noqa: F401  (re-exported)

# Who decides what the register's findings lead to (standards.md §2.2: 领导 — accountability).
DECIDING_ROLES = frozenset({Role.LEADER, Role.SYSTEM_ADMIN})


# ---------------------------------------------------------------- the rules' configuration

def accountability_rules_seed() -> int:
    """Create the rules that do not exist yet, with their default thresholds; an administrator's
    edits (thresholds, measure, name, on/off) are kept. Returns how many were created."""
    created = 0
    for code, definition in RULES.items():
        with translation.override(settings.LANGUAGE_CODE):
            name = str(RuleCode(code).label)
        _rule, was_created = AccountabilityRule.objects.get_or_create(
            code=code, defaults={"name": name, "kind": definition.kind, "parameters": dict(definition.defaults),
                                 "measure": definition.measure},
        )
        created += was_created
    return created


# ---------------------------------------------------------------- refresh

@dataclass(frozen=True)
class RefreshResult:
    created: int
    superseded: int
    unchanged: int


def _fingerprint(candidate: Candidate) -> str:
    text = ";".join(row.text for row in sorted(candidate.evidence, key=lambda row: row.sort_key))
    return hashlib.sha256(text.encode()).hexdigest()


def _subject_names(subjects: set[Subject]) -> dict[Subject, str]:
    ids: dict[str, set[int]] = {SubjectKind.UNIT: set(), SubjectKind.ORGANISATION: set(), SubjectKind.PERSON: set()}
    for subject in subjects:
        ids[subject.kind].add(subject.pk)
    names = {}
    for model, kind in ((Unit, SubjectKind.UNIT), (Organisation, SubjectKind.ORGANISATION)):
        for pk, name in model.objects.filter(pk__in=ids[kind]).values_list("pk", "name"):
            names[Subject(kind, pk)] = name
    for person in get_user_model().objects.filter(pk__in=ids[SubjectKind.PERSON]):
        names[Subject(SubjectKind.PERSON, person.pk)] = person.display_name
    return names


def _subject_fields(subject: Subject) -> dict:
    field = {SubjectKind.UNIT: "subject_unit_id", SubjectKind.ORGANISATION: "subject_organisation_id",
             SubjectKind.PERSON: "subject_person_id"}[subject.kind]
    return {field: subject.pk, "subject_key": subject.key}


def findings_refresh(*, start: date, end: date, now: datetime | None = None) -> RefreshResult:
    """Run every active rule over the period `start`–`end` (whole days, inclusive) and bring the
    register up to date: a new (rule, subject, period) becomes a proposed finding; one whose
    evidence changed supersedes the current finding (which is kept, with its decision if any);
    one whose evidence is unchanged is left alone, so running twice creates nothing.

    A current finding whose rule no longer finds anything stays as it is: a decision already
    recorded is never withdrawn by a re-run."""
    if end < start:
        raise InvalidInput(_("统计期的结束日期不能早于开始日期"), field="end")
    now = now or clock.now()
    window = Window(start=start, end=end, now=now, calendar=working_calendar())
    created = superseded = unchanged = 0
    for rule in AccountabilityRule.objects.filter(is_active=True, code__in=list(RULES)):
        definition = RULES[rule.code]
        candidates = definition.find(window=window, parameters=rule.effective_parameters())
        names = _subject_names({candidate.subject for candidate in candidates})
        with transaction.atomic():
            current = {finding.subject_key: finding for finding in Finding.objects.select_for_update().filter(
                rule=rule, period_start=start, period_end=end).exclude(state=FindingState.SUPERSEDED)}
            for candidate in sorted(candidates, key=lambda c: c.subject.key):
                fingerprint = _fingerprint(candidate)
                previous = current.get(candidate.subject.key)
                if previous is not None and previous.fingerprint == fingerprint:
                    unchanged += 1
                    continue
                if previous is not None:
                    # Out of the unique "current" slot first, then pointed at its successor.
                    Finding.objects.filter(pk=previous.pk).update(state=FindingState.SUPERSEDED)
                    superseded += 1
                with translation.override(settings.LANGUAGE_CODE):
                    summary = str(definition.summary) % {
                        "subject": names.get(candidate.subject, candidate.subject.key), **candidate.facts}
                finding = Finding.objects.create(
                    rule=rule, kind=rule.kind, **_subject_fields(candidate.subject), period_start=start,
                    period_end=end, summary=summary, facts=candidate.facts, fingerprint=fingerprint,
                    proposed_measure=rule.measure, created_at=now,
                )
                FindingEvidence.objects.bulk_create([
                    FindingEvidence(finding=finding, case_id=row.case_id, inspection_id=row.inspection_id,
                                    role=row.role)
                    for row in sorted(candidate.evidence, key=lambda row: row.sort_key)
                ])
                if previous is not None:
                    Finding.objects.filter(pk=previous.pk).update(superseded_by=finding)
                created += 1
    return RefreshResult(created=created, superseded=superseded, unchanged=unchanged)


# ---------------------------------------------------------------- decision

def may_decide(*, user) -> bool:
    return bool(user and user.is_authenticated
                and (user.is_superuser or user_roles(user) & DECIDING_ROLES))


def finding_decide(*, finding: Finding, by, measure: str, reason: str) -> Finding:
    """Record what a finding leads to (通报 / 约谈 / 问责, or dismissed), once, with the reason."""
    if not may_decide(user=by):
        raise NotAllowed(_("只有街道领导或系统管理员可以作出问责决定"))
    if measure not in Decision.values:
        raise InvalidInput(_("未知的问责决定"), field="measure")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("问责决定须填写理由"), field="reason")
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        if locked.state == FindingState.SUPERSEDED:
            raise WrongState(_("该条目已被新的核查结果取代，请对最新条目作出决定"))
        if locked.state == FindingState.DECIDED:
            raise WrongState(_("该条目已作出决定，不能重复决定"))
        now = clock.now()
        updated = Finding.objects.filter(pk=locked.pk, state=FindingState.PROPOSED).update(
            state=FindingState.DECIDED, decision=measure, decision_reason=reason, decided_by=by, decided_at=now)
        if updated != 1:  # pragma: no cover  (the row is locked; a guard for databases without locks)
            raise WrongState(_("该条目已作出决定，不能重复决定"))
    locked.refresh_from_db()
    return locked
