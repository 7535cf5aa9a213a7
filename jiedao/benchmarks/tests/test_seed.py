"""`manage.py seed_benchmarks`: the sample titles, marked as samples, idempotent, edits kept; the
placeholders wait for an inspection or campaign measure and appear once one exists."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from jiedao.benchmarks.models import Criterion, Method, TargetTitle
from jiedao.evaluation import measures
from jiedao.evaluation.measures import Measure

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_benchmarks", stdout=out)
    return out.getvalue()


def test_the_samples_are_seeded_once_and_marked(world):
    first = seed()
    Criterion.objects.filter(name="按期结案率", title__name="美丽宜居示范街道").update(required_value=Decimal(85))
    second = seed()

    assert "2 titles and 13 criteria created; 3 placeholder(s)" in first
    assert "0 titles and 0 criteria created" in second
    assert set(TargetTitle.objects.values_list("name", flat=True)) == {"美丽宜居示范街道", "省级文明街道"}
    assert not Criterion.objects.filter(is_sample=False).exists()
    edited = Criterion.objects.get(name="按期结案率", title__name="美丽宜居示范街道")
    assert (edited.required_value, edited.comparator, edited.unit, edited.department) == (
        Decimal(85), ">=", "%", world.cleaning)
    assert Criterion.objects.get(name="长效保洁机制").method == Method.EVIDENCE


def inspection_measures() -> list[Measure]:
    return [Measure(key="inspection:SRHJ", label="市容环境考评", unit="分", higher_is_better=True,
                    reader=lambda units, start, end: {})]


def test_a_placeholder_appears_once_its_measure_exists(world, monkeypatch):
    seed()
    monkeypatch.setattr(measures, "CONTRIBUTED",
                        (("jiedao.benchmarks", "jiedao.benchmarks.tests.test_seed.inspection_measures"),))

    out = seed()

    assert "0 titles and 2 criteria created; 1 placeholder(s)" in out
    assert set(Criterion.objects.filter(measure_key="inspection:SRHJ").values_list("title__name", "required_value")) \
        == {("美丽宜居示范街道", Decimal(85)), ("省级文明街道", Decimal(90))}


def both_inspection_measures() -> list[Measure]:
    return [Measure(key=f"inspection:{code}", label=code, unit="分", higher_is_better=True,
                    reader=lambda units, start, end: {}) for code in ("dust-six", "street-appearance")]


def test_a_placeholder_reads_the_measure_it_names_before_others_of_its_kind(world, monkeypatch):
    monkeypatch.setattr(measures, "CONTRIBUTED",
                        (("jiedao.benchmarks", "jiedao.benchmarks.tests.test_seed.both_inspection_measures"),))

    seed()

    assert set(Criterion.objects.filter(name="市容环境考评").values_list("measure_key", flat=True)) == {
        "inspection:street-appearance"}
