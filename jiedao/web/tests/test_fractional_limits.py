"""Issue 11, point 4: a time limit of 1.5 工作时 is filed, kept in exact minutes and shown as the
tables write it, on the filing form, the timeline and the case page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from jiedao.cases import services
from jiedao.cases.models import Case, CaseEvent, CaseState
from jiedao.catalogue.models import CaseRule, DeadlineUnit
from jiedao.conftest import report


def act(client, case, action, **data):
    data.setdefault("expected_version", Case.objects.get(pk=case.pk).version)
    return client.post(reverse("web:case-act", args=[case.number, action]), data)


def accepted(world, **kwargs):
    return services.case_accept(case=report(world, **kwargs), by=world.people.intake_clerk)


def test_a_hand_set_limit_of_one_and_a_half_working_hours_is_ninety_minutes(world, clock, as_user):
    case = accepted(world, item=world.no_rule_item)

    response = act(as_user(world.people.shift_lead), case, "file", deadline_value="1.5",
                   deadline_unit=DeadlineUnit.WORKING_HOURS)

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.time_budget_minutes, case.deadline_unit) == (CaseState.FILED, 90, "working_hours")
    assert CaseEvent.objects.get(case=case, action="file").data["deadline_value"] == "1.5"
    page = as_user(world.people.shift_lead).get(reverse("web:case-detail", args=[case.number]))
    assert "1.5 工作时" in page.content.decode()


@pytest.mark.parametrize("value", ["1.555", "0", "-1", "abc", "1e999", "NaN"])
def test_a_limit_that_is_not_a_positive_number_with_two_decimals_is_refused(world, clock, as_user, value):
    case = accepted(world, item=world.no_rule_item)
    before = Case.objects.get(pk=case.pk).version

    response = act(as_user(world.people.shift_lead), case, "file", deadline_value=value,
                   deadline_unit=DeadlineUnit.WORKING_HOURS)

    # the page comes back with the filing form as sent and its error (issue 10, point 12)
    assert response.status_code == 400
    assert f'value="{value}"' in response.content.decode()
    assert Case.objects.get(pk=case.pk).version == before
    assert Case.objects.get(pk=case.pk).state == CaseState.ACCEPTED


def test_a_rule_of_half_a_working_day_is_offered_and_shown_as_written(world, clock, as_user):
    CaseRule.objects.filter(pk=world.rule.pk).update(deadline_value=Decimal("0.5"),
                                                      deadline_unit=DeadlineUnit.WORKING_DAYS)
    case = accepted(world)
    client = as_user(world.people.shift_lead)

    form = client.get(reverse("web:case-detail", args=[case.number]))
    assert "处置时限 0.5 工作日" in form.content.decode()
    act(client, case, "file")

    case.refresh_from_db()
    assert case.time_budget_minutes == 225  # half of 08:30–12:00 and 13:30–17:30
    page = client.get(reverse("web:case-detail", args=[case.number]))
    assert "0.5 工作日" in page.content.decode()
    assert "0.50" not in page.content.decode()
