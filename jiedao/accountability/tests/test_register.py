"""The register: a refresh is idempotent, changed evidence supersedes (and keeps) the old entry,
decisions are a leader's, recorded once."""

from datetime import timedelta

import pytest

from jiedao.accountability.models import (
    AccountabilityRule,
    Decision,
    EvidenceRole,
    Finding,
    FindingState,
    RuleCode,
)
from jiedao.accountability.selectors import finding_evidence, register
from jiedao.accountability.services import RefreshResult, accountability_rules_seed, finding_decide
from jiedao.cases.errors import InvalidInput, NotAllowed, WrongState
from jiedao.conftest import TUESDAY_0900, report, walk_to

from .conftest import fail_check, refresh

pytestmark = pytest.mark.django_db


def reworked_case(world):
    return fail_check(world, walk_to(world, report(world), "fixed"))


def test_seeding_twice_creates_the_rules_once_and_keeps_edits(db):
    assert accountability_rules_seed() == 7
    AccountabilityRule.objects.filter(code=RuleCode.OVERDUE).update(parameters={"min_cases": 5})

    assert accountability_rules_seed() == 0
    assert AccountabilityRule.objects.get(code=RuleCode.OVERDUE).effective_parameters() == {"min_cases": 5}
    assert AccountabilityRule.objects.get(code=RuleCode.REPEAT_POINT).name == "重复发生点位"


def test_a_raised_threshold_is_used(world, clock, rules):
    AccountabilityRule.objects.filter(code=RuleCode.REWORK).update(parameters={"min_reworks": 2})
    reworked_case(world)

    refresh()

    assert Finding.objects.filter(rule__code=RuleCode.REWORK).count() == 0


def test_an_inactive_rule_finds_nothing(world, clock, rules):
    AccountabilityRule.objects.filter(code=RuleCode.REWORK).update(is_active=False)
    reworked_case(world)

    refresh()

    assert Finding.objects.count() == 0


def test_refreshing_twice_creates_nothing_new(world, clock, rules):
    reworked_case(world)

    first = refresh()
    second = refresh()

    assert first == RefreshResult(created=1, superseded=0, unchanged=0)
    assert second == RefreshResult(created=0, superseded=0, unchanged=1)
    assert Finding.objects.count() == 1


def test_changed_evidence_supersedes_and_keeps_the_old_finding(world, clock, rules):
    first_case = reworked_case(world)
    refresh()
    old = Finding.objects.get()
    clock.shift(timedelta(hours=2))
    second_case = reworked_case(world)

    result = refresh()

    old.refresh_from_db()
    new = Finding.objects.get(rule__code=RuleCode.REWORK, state=FindingState.PROPOSED)
    # the rework finding replaced, and the handler's second failed check now names him too
    assert result == RefreshResult(created=2, superseded=1, unchanged=0)
    assert Finding.objects.filter(rule__code=RuleCode.REWORK).count() == 2
    assert Finding.objects.get(rule__code=RuleCode.FAILED_CHECK).subject_person == world.people.handler
    assert old.state == FindingState.SUPERSEDED
    assert old.superseded_by == new
    assert [row.case_id for row in finding_evidence(finding=old, user=world.people.leader).rows] == [first_case.pk]
    assert [(row.case_id, row.role) for row in finding_evidence(finding=new, user=world.people.leader).rows] == [
        (first_case.pk, EvidenceRole.REWORKED), (second_case.pk, EvidenceRole.REWORKED)]
    assert new.summary == "环卫所：2 件案件核查不通过，返工 2 次"


def test_register_filters_by_period_and_state(world, clock, rules):
    reworked_case(world)
    refresh()
    refresh(start=TUESDAY_0900.date(), end=TUESDAY_0900.date())

    assert register().count() == 2
    assert register(state=FindingState.PROPOSED).count() == 2
    assert register(start=TUESDAY_0900.date() + timedelta(days=1)).count() == 1
    assert register(end=TUESDAY_0900.date() - timedelta(days=1)).count() == 1
    assert register(state=FindingState.DECIDED).count() == 0


def test_a_period_ending_before_it_starts_is_refused(world, clock, rules):
    with pytest.raises(InvalidInput):
        refresh(start=TUESDAY_0900.date(), end=TUESDAY_0900.date() - timedelta(days=1))


# ---------------------------------------------------------------- decisions

def test_a_leader_decides_once(world, clock, rules):
    reworked_case(world)
    refresh()
    finding = Finding.objects.get()

    decided = finding_decide(finding=finding, by=world.people.leader, measure=Decision.INTERVIEW,
                             reason="两周内第二次返工")

    assert decided.state == FindingState.DECIDED
    assert decided.decision == Decision.INTERVIEW
    assert decided.decision_reason == "两周内第二次返工"
    assert decided.decided_by == world.people.leader
    assert decided.decided_at == TUESDAY_0900
    with pytest.raises(WrongState) as refused:
        finding_decide(finding=finding, by=world.people.leader, measure=Decision.DISMISSED, reason="改主意")
    assert str(refused.value) == "该条目已作出决定，不能重复决定"
    finding.refresh_from_db()
    assert finding.decision == Decision.INTERVIEW


def test_a_dispatcher_may_not_decide(world, clock, rules):
    reworked_case(world)
    refresh()
    finding = Finding.objects.get()

    with pytest.raises(NotAllowed):
        finding_decide(finding=finding, by=world.people.dispatcher, measure=Decision.BULLETIN, reason="通报")

    finding.refresh_from_db()
    assert (finding.state, finding.decision, finding.decided_by) == (FindingState.PROPOSED, "", None)


def test_a_decision_needs_a_reason_and_a_known_measure(world, clock, rules):
    reworked_case(world)
    refresh()
    finding = Finding.objects.get()

    with pytest.raises(InvalidInput) as no_reason:
        finding_decide(finding=finding, by=world.people.leader, measure=Decision.BULLETIN, reason="  ")
    with pytest.raises(InvalidInput) as unknown:
        finding_decide(finding=finding, by=world.people.leader, measure="fine", reason="罚款")

    assert (no_reason.value.field, unknown.value.field) == ("reason", "measure")
    assert Finding.objects.get().state == FindingState.PROPOSED


def test_a_superuser_may_decide(world, clock, rules, django_user_model):
    reworked_case(world)
    refresh()
    admin = django_user_model.objects.create_superuser(username="root", password="pass-1234")

    finding = finding_decide(finding=Finding.objects.get(), by=admin, measure=Decision.DISMISSED, reason="系统误判")

    assert finding.decision == Decision.DISMISSED


def test_a_superseded_finding_cannot_be_decided(world, clock, rules):
    reworked_case(world)
    refresh()
    old = Finding.objects.get()
    clock.shift(timedelta(hours=2))
    reworked_case(world)
    refresh()

    with pytest.raises(WrongState) as refused:
        finding_decide(finding=old, by=world.people.leader, measure=Decision.BULLETIN, reason="通报")

    assert str(refused.value) == "该条目已被新的核查结果取代，请对最新条目作出决定"
    old.refresh_from_db()
    assert (old.state, old.decision) == (FindingState.SUPERSEDED, "")


def test_a_decided_finding_whose_evidence_changes_is_superseded_with_its_decision_kept(world, clock, rules):
    reworked_case(world)
    refresh()
    decided = finding_decide(finding=Finding.objects.get(), by=world.people.leader, measure=Decision.BULLETIN,
                             reason="通报")
    clock.shift(timedelta(hours=2))
    reworked_case(world)

    refresh()

    decided.refresh_from_db()
    assert (decided.state, decided.decision) == (FindingState.SUPERSEDED, Decision.BULLETIN)
    assert decided.superseded_by.state == FindingState.PROPOSED


def test_the_seed_command_is_idempotent(db):
    from io import StringIO

    from django.core.management import call_command

    first, second = StringIO(), StringIO()
    call_command("seed_accountability", stdout=first)
    call_command("seed_accountability", stdout=second)

    assert first.getvalue().strip() == "accountability rules created: 7"
    assert second.getvalue().strip() == "accountability rules created: 0"


@pytest.mark.parametrize("parameters", [{"min_cases": 0}, {"min_cases": "3"}, {"min_cases": True}, {"radius": 5}])
def test_a_threshold_must_be_a_known_positive_integer(rules, parameters):
    from django.core.exceptions import ValidationError

    rule = AccountabilityRule.objects.get(code=RuleCode.OVERDUE)
    rule.parameters = parameters

    with pytest.raises(ValidationError):
        rule.full_clean()
