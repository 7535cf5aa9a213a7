"""个人信息保护 · 安全审计: every file that leaves the system with case records or personal data
(Excel lists, the 通报 as PDF/Word, the accountability register) is in the security log."""

import pytest

from jiedao.audit.models import EventKind, SecurityEvent
from jiedao.conftest import report

pytestmark = pytest.mark.django_db


def test_the_inbox_export_is_logged_with_its_file_name_and_row_count(world, clock, client):
    report(world)
    report(world, column=1)
    client.force_login(world.people.secretary)

    response = client.get("/cases/export.xlsx", {"box": "all", "state": "reported"}, REMOTE_ADDR="10.5.5.5",
                          HTTP_USER_AGENT="Excel-fan/2")

    filename = response["Content-Disposition"].split('"')[1]
    export = SecurityEvent.objects.get(kind=EventKind.EXPORT)
    assert (export.actor_name, export.address, export.user_agent, export.target) == (
        "secretary", "10.5.5.5", "Excel-fan/2", filename)
    assert export.detail == {"file": filename, "rows": 2, "path": "/cases/export.xlsx", "box": "all",
                             "filters": {"state": "reported"}}


@pytest.mark.parametrize("path, query, filename_start", [
    ("/evaluation/", {"object": "community", "period": "month", "format": "xlsx"}, "evaluation-"),
    ("/bulletin/", {"period": "month", "format": "docx"}, "bulletin-"),
    ("/accountability/", {"format": "xlsx"}, "accountability-"),
])
def test_the_leaders_downloads_are_logged(world, clock, client, path, query, filename_start):
    client.force_login(world.people.leader)

    response = client.get(path, query)

    assert response.status_code == 200
    export = SecurityEvent.objects.get(kind=EventKind.EXPORT)
    assert export.actor_name == "leader"
    assert export.target == response["Content-Disposition"].split('"')[1]
    assert export.target.startswith(filename_start)


def test_a_refused_download_leaves_no_export_record(world, client):
    client.force_login(world.people.handler)

    assert client.get("/bulletin/", {"period": "month", "format": "pdf"}).status_code == 403
    assert not SecurityEvent.objects.filter(kind=EventKind.EXPORT).exists()
