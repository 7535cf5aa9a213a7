"""What a criterion and a peer figure refuse, each with a clear translated message."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from jiedao.benchmarks.models import Criterion, Method, PeerFigure, PeerUnit, TargetTitle

pytestmark = pytest.mark.django_db


@pytest.fixture
def title(db):
    return TargetTitle.objects.create(name="省级文明街道")


def _errors(instance) -> dict:
    with pytest.raises(ValidationError) as refused:
        instance.full_clean()
    return refused.value.message_dict


@pytest.mark.parametrize("fields, field, message", [
    ({"measure_key": "indicator:no_such_rate", "required_value": Decimal(90)}, "measure_key",
     "没有名为“indicator:no_such_rate”的指标"),
    ({"measure_key": ""}, "measure_key", "按系统指标考核须选择一项指标"),
    ({"measure_key": "indicator:closure_rate"}, "required_value", "按系统指标考核须填写要求值"),
    ({"measure_key": "indicator:closure_rate", "required_value": Decimal(-1)}, "required_value", "数值不能为负数"),
    ({"measure_key": "indicator:closure_rate", "required_value": Decimal(101)}, "required_value",
     "百分比不能超过 100"),
    ({"measure_key": "count:overdue_pending", "required_value": Decimal("2.5")}, "required_value", "件数须为整数"),
    ({"measure_key": "count:overdue_pending", "required_value": Decimal(3), "unit": "%"}, "unit",
     "指标“超期待处置数”的单位是 件"),
    ({"measure_key": "indicator:closure_rate", "required_value": Decimal(90), "weight": Decimal(0)}, "weight",
     "权重须大于 0"),
])
def test_a_measured_criterion_refuses(title, fields, field, message):
    errors = _errors(Criterion(title=title, name="结案率", **fields))

    assert errors[field] == [message]


def test_the_message_is_translated(title):
    with translation.override("en"):
        errors = _errors(Criterion(title=title, name="结案率", measure_key="indicator:closure_rate"))

    assert errors["required_value"] == ["A required value is needed for a criterion measured by a figure"]


def test_the_unit_and_direction_come_from_the_measure(title):
    rework = Criterion(title=title, name="返工率", measure_key="indicator:rework_rate", required_value=Decimal(5))
    closure = Criterion(title=title, name="结案率", measure_key="indicator:closure_rate", required_value=Decimal(95))

    rework.full_clean()
    closure.full_clean()

    assert (rework.unit, rework.comparator) == ("%", "<=")
    assert (closure.unit, closure.comparator) == ("%", ">=")


def test_an_evidence_criterion_keeps_no_measure(title):
    criterion = Criterion(title=title, name="文明实践站", method=Method.EVIDENCE, measure_key="indicator:x",
                          comparator=">=", required_value=Decimal(3))

    criterion.full_clean()

    assert (criterion.measure_key, criterion.comparator, criterion.required_value) == ("", "", None)


@pytest.fixture
def measured(title):
    return Criterion.objects.create(title=title, name="结案率", measure_key="indicator:closure_rate",
                                    required_value=Decimal(95), comparator=">=", unit="%")


@pytest.mark.parametrize("value, first, last, field, message", [
    (Decimal(-3), date(2026, 10, 1), date(2026, 10, 31), "value", "数值不能为负数"),
    (Decimal(120), date(2026, 10, 1), date(2026, 10, 31), "value", "百分比不能超过 100"),
    (Decimal(90), date(2026, 10, 31), date(2026, 10, 1), "last_day", "结束日期不能早于开始日期"),
])
def test_a_peer_figure_refuses(measured, value, first, last, field, message):
    peer = PeerUnit.objects.create(name="东湖街道")

    errors = _errors(PeerFigure(peer=peer, criterion=measured, value=value, first_day=first, last_day=last))

    assert errors[field] == [message]


def test_a_peer_figure_needs_a_measured_criterion(title):
    evidence = Criterion.objects.create(title=title, name="文明实践站", method=Method.EVIDENCE)
    peer = PeerUnit.objects.create(name="东湖街道")

    errors = _errors(PeerFigure(peer=peer, criterion=evidence, value=Decimal(1), first_day=date(2026, 10, 1),
                                last_day=date(2026, 10, 31)))

    assert errors["criterion"] == ["只有按系统指标考核的指标才能录入对标数据"]


def _criterion_form(title, **changes) -> dict:
    data = {"title": str(title.pk), "order": "1", "group": "为民服务", "name": "结案率", "description": "",
            "method": "measure", "measure_key": "indicator:closure_rate", "comparator": "", "required_value": "95",
            "unit": "", "weight": "", "department": ""}
    data.update(changes)
    return data


def test_the_admin_offers_the_measures_and_saves_a_criterion(admin_client, title):
    form = admin_client.get("/admin/benchmarks/criterion/add/")
    saved = admin_client.post("/admin/benchmarks/criterion/add/", _criterion_form(title))

    assert form.status_code == 200 and 'value="indicator:on_time_closure_rate"' in form.content.decode()
    assert saved.status_code == 302
    assert Criterion.objects.values_list("measure_key", "comparator", "unit").get() == (
        "indicator:closure_rate", ">=", "%")


def test_the_admin_refuses_a_negative_requirement_and_saves_nothing(admin_client, title):
    refused = admin_client.post("/admin/benchmarks/criterion/add/", _criterion_form(title, required_value="-5"))

    assert refused.status_code == 200 and "数值不能为负数" in refused.content.decode()
    assert not Criterion.objects.exists()


@pytest.mark.parametrize("path", ["/admin/benchmarks/targettitle/{title}/change/", "/admin/benchmarks/criterion/",
                                  "/admin/benchmarks/peerunit/add/", "/admin/benchmarks/evidencesubmission/"])
def test_the_admin_pages_open(admin_client, title, path):
    assert admin_client.get(path.format(title=title.pk)).status_code == 200
