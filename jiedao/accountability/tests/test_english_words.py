"""The register in English (issue 10, point 9): the summary is the rule's sentence said again in
the reader's language around the names (data, as written); a seeded rule name is translated, a
name an administrator wrote is shown as written."""

import pytest
from django.conf import settings

from jiedao.accountability.models import AccountabilityRule, Finding
from jiedao.conftest import report, walk_to

from .conftest import fail_check, refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def finding(world, clock, rules):
    fail_check(world, walk_to(world, report(world), "fixed"))
    refresh()
    return Finding.objects.get(rule__code="rework")


def english(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_register_says_the_summary_in_english(world, finding, client):
    table = english(client, world.people.leader).get("/accountability/")

    html = table.content.decode()
    assert "环卫所: 1 case(s) failed the check; 1 rework(s)" in html
    assert finding.summary == "环卫所：1 件案件核查不通过，返工 1 次"  # stored in the office's language
    assert finding.summary not in html


def test_the_detail_translates_a_seeded_rule_name_and_keeps_a_written_one(world, finding, client):
    client = english(client, world.people.leader)

    seeded = client.get(f"/accountability/{finding.pk}/").content.decode()
    AccountabilityRule.objects.filter(code="rework").update(name="返工（街道自定）")
    renamed = client.get(f"/accountability/{finding.pk}/").content.decode()

    assert "<dd>Rework</dd>" in seeded
    assert "<dd>返工（街道自定）</dd>" in renamed
    assert "环卫所: 1 case(s) failed the check; 1 rework(s)" in seeded


def test_the_excel_export_says_the_summary_in_the_readers_language(world, finding, client):
    import io

    from openpyxl import load_workbook

    response = english(client, world.people.leader).get("/accountability/", {"format": "xlsx"})

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                     if response.streaming else response.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "环卫所: 1 case(s) failed the check; 1 rework(s)" in values
