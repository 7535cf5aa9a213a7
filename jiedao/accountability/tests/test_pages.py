"""The register page: leaders read it and record a decision through the form; others may not."""

import pytest

from jiedao.accountability.models import Finding, FindingState
from jiedao.conftest import report, walk_to

from .conftest import fail_check, refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def finding(world, clock, rules):
    fail_check(world, walk_to(world, report(world), "fixed"))
    refresh()
    return Finding.objects.get()


def test_the_leader_reads_the_register_and_the_evidence(world, finding, client):
    client.force_login(world.people.leader)

    table = client.get("/accountability/")
    detail = client.get(f"/accountability/{finding.pk}/")

    assert table.status_code == 200 and table.context["findings"] == [finding]
    assert detail.status_code == 200
    assert [item.case.number for item in detail.context["evidence"]] == ["2026-000001"]
    assert detail.context["may_decide"] is True


def test_a_decision_through_the_form_is_recorded_once(world, finding, client):
    client.force_login(world.people.leader)

    client.post(f"/accountability/{finding.pk}/decide/", {"measure": "interview", "reason": "返工两次"})
    again = client.post(f"/accountability/{finding.pk}/decide/", {"measure": "dismissed", "reason": "改判"},
                        follow=True)

    finding.refresh_from_db()
    assert (finding.state, finding.decision, finding.decided_by) == (FindingState.DECIDED, "interview",
                                                                     world.people.leader)
    assert [str(m) for m in again.context["messages"]] != []


@pytest.mark.parametrize("persona", ["dispatcher", "handler", "grid_worker"])
def test_others_may_neither_read_nor_decide(world, finding, client, persona):
    client.force_login(getattr(world.people, persona))

    assert client.get("/accountability/").status_code == 403
    client.post(f"/accountability/{finding.pk}/decide/", {"measure": "interview", "reason": "x"})
    finding.refresh_from_db()
    assert finding.state == FindingState.PROPOSED


def test_the_register_exports_to_excel_with_its_evidence_count_and_decision(world, finding, client):
    import io

    from openpyxl import load_workbook

    client.force_login(world.people.leader)
    client.post(f"/accountability/{finding.pk}/decide/", {"measure": "interview", "reason": "返工两次"})

    response = client.get("/accountability/", {"format": "xlsx"})

    assert response["Content-Disposition"].startswith('attachment; filename="accountability-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[4]]
    row = dict(zip(header, [cell.value for cell in sheet[5]], strict=True))
    assert (row["对象"], row["证据案件数"], row["决定"], row["决定理由"], row["决定人"]) == (
        "环卫所", 1, "约谈", "返工两次", "书记")
    assert sheet.max_row == 5  # the title rows, the header, one finding


def test_others_may_not_export_the_register(world, finding, client):
    client.force_login(world.people.handler)

    assert client.get("/accountability/", {"format": "xlsx"}).status_code == 403
