"""The public's words for the loop: every step of a case either has a plain sentence or is
deliberately internal — a new action must be decided here before it can leak or vanish."""

import pytest

from jiedao.cases.models import CaseEvent, CaseState
from jiedao.cases.workflow import ACTIONS, EVENT_LABELS
from jiedao.portal.public import PUBLIC_ACTIONS, public_status, public_step

INTERNAL = {"request_return", "request_extension", "request_suspension", "request_void", "assign_inspector",
            "escalate", "photo_publish", "photo_unpublish",
            # a leader's 督办 and 领导交办 are recorded as `escalate` and as 立案/派遣 events
            "supervise", "hand_down"}


def event(action, **data) -> CaseEvent:
    return CaseEvent(action=action, data=data, opinion="内部意见", actor_name="值班长老周")


def test_every_step_of_the_loop_is_either_public_or_deliberately_internal():
    steps = set(ACTIONS) | set(EVENT_LABELS)

    assert steps - PUBLIC_ACTIONS == INTERNAL
    assert PUBLIC_ACTIONS - steps == set()


@pytest.mark.parametrize("action", sorted(INTERNAL))
def test_internal_steps_have_no_public_sentence(action):
    assert public_step(event(action, approved=True)) is None


@pytest.mark.parametrize(("action", "data", "words"), [
    ("dispatch", {"department_name": "环卫所"}, "已交由环卫所处理"),
    ("verify", {"confirmed": False}, "现场核实：未发现所反映的问题"),
    ("decide_extension", {"approved": True}, "处理期限已延长"),
    ("decide_extension", {"approved": False}, None),
    ("decide_void", {"approved": False}, None),
    ("check", {"passed": True}, "现场核查通过"),
    ("rework", {"passed": False}, "现场核查未通过，重新处理"),
    ("public_not_fixed", {}, "群众反映问题仍未解决，已退回重新核查"),
])
def test_a_step_in_plain_words_or_none(action, data, words):
    assert public_step(event(action, **data)) == words


def test_every_state_has_public_words():
    from jiedao.cases.models import Case

    labels = {state: public_status(Case(state=state)).label for state in CaseState.values}

    assert labels["handling"] == "处理中"
    assert labels["closed"] == "已办结"
    assert public_status(Case(state="voided", merged_into_id=1)).label == "已合并"
    assert all(labels.values())
