"""The table from our states to Open311's statuses, and which steps of a case are public."""

import pytest

from jiedao.cases.models import CaseState, ClosureType
from jiedao.open311 import statuses


def test_every_state_has_a_public_status_in_the_spec_vocabulary():
    assert set(statuses.STATE_STATUS) == set(CaseState.values)
    for row in statuses.STATE_STATUS.values():
        assert row.status in {"open", "closed"}
        assert row.extended in statuses.EXTENDED_STATUSES
        assert str(row.note)


@pytest.mark.parametrize(("state", "status", "extended"), [
    (CaseState.REPORTED, "open", "open"),
    (CaseState.VERIFYING, "open", "investigating"),
    (CaseState.ACCEPTED, "open", "open"),
    (CaseState.FILED, "open", "action_scheduled"),
    (CaseState.HANDLING, "open", "in_progress"),
    (CaseState.SUSPENDED, "open", "planned"),
    # a fix the department reported is not "fixed" for the public until our inspector checked it
    (CaseState.FIXED, "open", "in_progress"),
    (CaseState.CHECKED, "open", "fixed"),
    (CaseState.SELF_HANDLED, "open", "fixed"),
    (CaseState.CLOSED, "closed", "fixed"),
    (CaseState.VOIDED, "closed", "no_further_action"),
])
def test_state_to_status(state, status, extended):
    public = statuses.public_status(state=state)
    assert (public.status, public.extended) == (status, extended)


def test_a_merged_duplicate_is_closed_as_duplicate():
    public = statuses.public_status(state=CaseState.VOIDED, merged=True)
    assert (public.status, public.extended) == ("closed", "duplicate")


@pytest.mark.parametrize(("closure", "extended"), [
    (ClosureType.NORMAL, "fixed"), (ClosureType.OVERDUE, "fixed"), (ClosureType.SELF_HANDLED, "fixed"),
    (ClosureType.ERROR, "no_further_action"), (ClosureType.SPECIAL, "closed"),
])
def test_closed_cases_by_closure_type(closure, extended):
    public = statuses.public_status(state=CaseState.CLOSED, closure_type=closure)
    assert (public.status, public.extended) == ("closed", extended)


def test_reports_waiting_for_intake_are_not_published():
    assert {state for state in CaseState.values if not statuses.is_published(state)} == {"reported", "verifying"}


def test_status_filter_maps_to_published_states_only():
    assert statuses.base_statuses_to_states({"closed"}) == {"closed", "voided"}
    assert statuses.base_statuses_to_states({"open"}) == {"accepted", "filed", "handling", "suspended", "fixed",
                                                          "checked", "self_handled"}
    assert statuses.base_statuses_to_states({"open", "closed"}) == set(CaseState.values) - {"reported", "verifying"}


def test_steps_say_more_than_the_state_where_they_should():
    # a department sent it back to be dispatched elsewhere
    assert statuses.update_status(action="decide_return", to_state=CaseState.FILED) == "internal_referral"
    assert statuses.update_status(action="merge", to_state=CaseState.VOIDED) == "duplicate"
    assert statuses.update_status(action="public_not_fixed", to_state=CaseState.FIXED) == "reopen"
    assert statuses.update_status(action="dispatch", to_state=CaseState.HANDLING) == "in_progress"
    assert statuses.update_status(action="close", to_state=CaseState.CLOSED, closure_type="error") == \
        "no_further_action"


def test_internal_steps_are_never_public():
    for action in ("report", "send_to_verify", "assign_inspector", "escalate", "request_return", "public_update",
                   "public_complaint", "photo_publish", "rate", "merged_in"):
        assert action not in statuses.PUBLIC_ACTIONS


def test_every_public_step_has_a_sentence():
    for action in statuses.PUBLIC_ACTIONS:
        assert statuses.update_description(action)
