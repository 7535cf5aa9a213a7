"""Forms keep what was chosen after a refused input (issue 10, point 12): the case page comes back
(400) with the same form open, the choices and words as they were sent and the error beside them;
a void is sent only with its confirmation ticked."""

import re

import pytest
from django.urls import reverse

from jiedao.cases import services
from jiedao.cases.models import Case, CaseEvent
from jiedao.conftest import walk_to

pytestmark = pytest.mark.django_db


def act(client, case, action, **data):
    data.setdefault("expected_version", Case.objects.get(pk=case.pk).version)
    return client.post(reverse("web:case-act", args=[case.number, action]), data)


def form_html(response, action: str) -> str:
    html = response.content.decode()
    match = re.search(rf'<details class="action card" id="action-{action}"[^>]*>(.*?)</details>', html, re.S)
    assert match, f"no form for {action}"
    return match.group(0)


def snapshot(case):
    case = Case.objects.get(pk=case.pk)
    return case.state, case.version, CaseEvent.objects.filter(case=case).count()


def test_a_rejection_without_its_reason_keeps_the_rejection_chosen(world, fresh_case, as_user):
    case = walk_to(world, fresh_case, "handling")
    services.case_request(case=case, by=world.people.handler, kind="extension", reason="需要调机械", extra_minutes=60)
    before = snapshot(case)

    response = act(as_user(world.people.dispatcher), case, "decide_extension", approve="no", note="")

    assert response.status_code == 400
    form = form_html(response, "decide_extension")
    assert ' open>' in form.split("\n")[0]
    assert re.search(r'value="no"\s+checked', form) and not re.search(r'value="yes"[^>]*checked', form)
    assert "驳回须填写理由" in form
    assert snapshot(case) == before


def test_a_failed_check_without_its_reason_keeps_fail_chosen_and_the_words(world, fresh_case, as_user):
    case = walk_to(world, fresh_case, "fixed")
    before = snapshot(case)

    response = act(as_user(world.people.inspector), case, "check", passed="no", opinion="  ")

    assert response.status_code == 400
    form = form_html(response, "check")
    assert re.search(r'value="no"\s+checked', form) and not re.search(r'value="yes"[^>]*checked', form)
    assert "核查不通过须说明原因" in form
    assert snapshot(case) == before


def test_a_changed_closure_type_without_reason_keeps_the_type_and_the_public_note(world, fresh_case, as_user):
    case = walk_to(world, fresh_case, "checked")

    response = act(as_user(world.people.shift_lead), case, "close", closure_type="special", public_note="已清运完毕")

    assert response.status_code == 400
    form = form_html(response, "close")
    assert '<option value="special" selected>' in form
    assert '<option value="normal" selected>' not in form
    assert ">已清运完毕</textarea>" in form
    assert "更改结案类型须说明理由" in form
    assert Case.objects.get(pk=case.pk).state == "checked"


def test_a_refused_dispatch_keeps_the_department_chosen(world, fresh_case, as_user):
    case = walk_to(world, fresh_case, "filed")

    response = act(as_user(world.people.dispatcher), case, "dispatch", department=world.enforcement.pk,
                   territorial_owner="999999", opinion="请尽快")

    assert response.status_code == 400
    form = form_html(response, "dispatch")
    assert f'<option value="{world.enforcement.pk}" selected>' in form
    assert f'<option value="{world.cleaning.pk}" selected>' not in form
    assert ">请尽快</textarea>" in form
    assert Case.objects.get(pk=case.pk).state == "filed"


def test_a_void_without_its_confirmation_changes_nothing_and_keeps_the_reason(world, fresh_case, as_user):
    client = as_user(world.people.shift_lead)
    before = snapshot(fresh_case)

    page = client.get(reverse("web:case-detail", args=[fresh_case.number]))
    response = act(client, fresh_case, "void", reason="重复上报")

    assert 'data-confirm="确定作废本案件吗？作废后不能恢复。"' in form_html(page, "void")
    assert 'name="confirm" value="yes" required' in form_html(page, "void")
    assert response.status_code == 400
    form = form_html(response, "void")
    assert ">重复上报</textarea>" in form and "请勾选确认后再作废" in form
    assert snapshot(fresh_case) == before

    confirmed = act(client, fresh_case, "void", reason="重复上报", confirm="yes")

    assert confirmed.status_code == 302
    assert Case.objects.get(pk=fresh_case.pk).state == "voided"


def test_a_void_request_asks_for_its_confirmation_too(world, fresh_case, as_user):
    case = walk_to(world, fresh_case, "handling")
    client = as_user(world.people.handler)

    response = act(client, case, "request_void", reason="不属于本部门职责")

    assert response.status_code == 400
    assert "请勾选确认后再申请作废" in form_html(response, "request_void")
    assert not case.requests.exists()
    assert act(client, case, "request_void", reason="不属于本部门职责", confirm="yes").status_code == 302
    assert case.requests.get().kind == "void"


def test_approving_a_void_request_is_confirmed_only_when_approving(world, fresh_case, as_user):
    case = walk_to(world, fresh_case, "handling")
    services.case_request(case=case, by=world.people.handler, kind="void", reason="重复")

    page = as_user(world.people.shift_lead).get(reverse("web:case-detail", args=[case.number]))

    form = form_html(page, "decide_void")
    assert 'data-confirm-field="approve" data-confirm-value="yes"' in form
