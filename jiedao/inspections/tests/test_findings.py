"""The register (问责清单): a unit that fails re-inspection twice, or whose rectification was false,
is a finding with the inspection as evidence; the evidence is cut to what the reader may open."""

from datetime import date

import pytest
from django.test import Client

from jiedao.accountability.models import EvidenceRole, Finding, RuleCode
from jiedao.accountability.services import accountability_rules_seed, findings_refresh
from jiedao.inspections import services
from jiedao.inspections.models import Outcome
from jiedao.inspections.services import ItemOutcome

from .conftest import item, score, start

pytestmark = pytest.mark.usefixtures("clock")
NOVEMBER = {"start": date(2026, 11, 1), "end": date(2026, 11, 30)}


def _failed_inspection(world, sheet):
    inspection = start(world, sheet)
    score(inspection, "2", 1, photos=[])
    return services.inspection_submit(inspection=inspection, by=world.people.inspector)


def _reinspect(world, sheet, inspection, value):
    services.reinspection_record(inspection=inspection, by=world.people.supervisor,
                                 outcomes=[ItemOutcome(item(sheet, "2").pk, value)])


def _findings():
    return Finding.objects.filter(rule__code=RuleCode.REINSPECTION_FAILED)


def test_two_failed_reinspections_make_a_finding_with_the_inspections_as_evidence(world, sheet):
    accountability_rules_seed()
    first, second = _failed_inspection(world, sheet), _failed_inspection(world, sheet)
    _reinspect(world, sheet, first, Outcome.NOT_RECTIFIED)
    findings_refresh(**NOVEMBER)
    assert not _findings().exists()

    _reinspect(world, sheet, second, Outcome.PARTLY_RECTIFIED)
    findings_refresh(**NOVEMBER)
    finding = _findings().get()
    assert (finding.subject_unit, finding.summary) == (
        world.taoyuan, "桃源社区：复查未通过 2 次（虚假整改 0 项），涉及检查 2 次")
    assert sorted(finding.evidence.values_list("inspection_id", "case_id", "role")) == sorted([
        (first.pk, None, EvidenceRole.REINSPECTION_FAILED), (second.pk, None, EvidenceRole.REINSPECTION_FAILED)])
    # Nothing changed: a second refresh keeps the finding as it is.
    assert findings_refresh(**NOVEMBER).created == 0


def test_one_false_rectification_is_a_finding(world, sheet):
    accountability_rules_seed()
    inspection = _failed_inspection(world, sheet)
    _reinspect(world, sheet, inspection, Outcome.FALSE_RECTIFICATION)
    findings_refresh(**NOVEMBER)
    finding = _findings().get()
    assert finding.facts == {"failed": 1, "false": 1, "inspections": 1}
    assert finding.evidence.get().role == EvidenceRole.FALSE_RECTIFICATION

    # The register's page links the inspection for those who may open it and counts it for others.
    leader, other = Client(), Client()
    leader.force_login(world.people.leader)
    other.force_login(world.people.other_secretary)
    page = leader.get(f"/accountability/{finding.pk}/")
    assert f'href="/inspections/{inspection.pk}/"' in page.content.decode()
    page = other.get(f"/accountability/{finding.pk}/")
    assert page.context["hidden_inspections"] == 1
    assert f'href="/inspections/{inspection.pk}/"' not in page.content.decode()
