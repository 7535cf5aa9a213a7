"""Recording samples: values converted and assessed against the point's class and pH band, bad input
refused whole, an exceedance above the 管制值 becoming a case only when category 90002 exists."""

from datetime import date
from decimal import Decimal

import pytest

from jiedao.cases.models import Case, CaseSource
from jiedao.catalogue.models import CatalogueItem, CatalogueKind
from jiedao.soil import services
from jiedao.soil.models import Level, SampleValue, SoilLimit, SoilSample

TODAY = date(2026, 11, 17)


def record(world, point_code="TR-01", ph="6.0", values=(("Cd", "0.45", "mg/kg"),), by=None, sampled_on=TODAY):
    return services.sample_record(by=by or world.people.system_admin, point_code=point_code, sampled_on=sampled_on,
                                  sampled_by="区监测站", ph=ph, today=TODAY,
                                  values=[services.MeasuredValue(*v) for v in values])


def test_the_seeded_limits_are_unconfirmed_and_name_their_source(soil):
    row = SoilLimit.objects.get(land_use_class__code="farmland", parameter="Cd", ph_above=Decimal("5.5"))
    assert (row.screening_value, row.control_value, row.is_confirmed) == (Decimal("0.3"), Decimal("2.0"), False)
    assert "GB 15618-2018" in row.source
    assert services.soil_limits_seed() == 0  # idempotent


def test_farmland_values_are_judged_in_the_samples_ph_band(soil):
    sample = record(soil, ph="6.0", values=[("Cd", "420", "μg/kg"), ("Pb", "80", "mg/kg"), ("Hg", "2.6", "mg/kg")])
    levels = {v.parameter: (v.value_mg_per_kg, v.level) for v in sample.values.all()}
    # pH 6.0 → band 5.5 < pH ≤ 6.5: Cd 筛选值 0.3; Pb 筛选值 90; Hg 筛选值 1.8, 管制值 2.5.
    assert levels == {"Cd": (Decimal("0.42"), Level.ABOVE_SCREENING), "Pb": (Decimal("80"), Level.BELOW_SCREENING),
                      "Hg": (Decimal("2.6"), Level.ABOVE_CONTROL)}


def test_construction_land_uses_its_own_class(soil):
    sample = record(soil, point_code="LA-01", ph="", values=[("As", "35", "mg/kg"), ("Zn", "500", "mg/kg")])
    levels = {v.parameter: v.level for v in sample.values.all()}
    # GB 36600 第一类用地 As 筛选值 20, 管制值 120; no Zn limit in GB 36600.
    assert levels == {"As": Level.ABOVE_SCREENING, "Zn": Level.NO_LIMIT}


def test_an_edited_limit_applies_to_the_next_sample(soil):
    SoilLimit.objects.filter(land_use_class__code="construction_1", parameter="As").update(
        screening_value=Decimal("40"), is_confirmed=True)
    sample = record(soil, point_code="LA-01", ph="", values=[("As", "35", "mg/kg")])
    assert sample.values.get().level == Level.BELOW_SCREENING


def test_above_the_control_value_becomes_a_case_when_the_category_exists(soil):
    CatalogueItem.objects.create(kind=CatalogueKind.MATTER, major_code="90", major_name="本地扩展", code="90002",
                                 name="土壤污染", standard_ref="local", search_text="turangwuran")
    sample = record(soil, by=soil.people.leader, values=[("Cd", "2.6", "mg/kg"), ("Pb", "95", "mg/kg")])
    over = sample.values.get(parameter="Cd")
    case = Case.objects.get()
    assert over.case == case
    assert (case.item.code, case.source) == ("90002", CaseSource.SELF_CHECK)
    assert sample.values.get(parameter="Pb").case is None


def test_a_recorder_who_may_not_report_leaves_it_flagged(soil):
    CatalogueItem.objects.create(kind=CatalogueKind.MATTER, major_code="90", major_name="本地扩展", code="90002",
                                 name="土壤污染", standard_ref="local", search_text="turangwuran")
    sample = record(soil, values=[("Cd", "2.6", "mg/kg")])  # a system administrator does not report cases
    assert (sample.values.get().level, Case.objects.count()) == (Level.ABOVE_CONTROL, 0)


def test_without_the_category_the_exceedance_stays_flagged(soil):
    sample = record(soil, by=soil.people.leader, values=[("Cd", "2.6", "mg/kg")])
    assert sample.values.get().level == Level.ABOVE_CONTROL
    assert Case.objects.count() == 0


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"values": [("Cd", "-0.1", "mg/kg")]}, "value_Cd"),
    ({"values": [("Cd", "0.1", "mg/L")]}, "value_Cd"),
    ({"values": [("Cd", "abc", "mg/kg")]}, "value_Cd"),
    ({"point_code": "NOPE"}, "point"),
    ({"ph": "14.5"}, "ph"),
    ({"ph": "-1"}, "ph"),
    ({"ph": ""}, "ph"),  # farmland needs its pH
    ({"sampled_on": date(2026, 11, 18)}, "sampled_on"),
    ({"values": []}, "measured"),
])
def test_bad_input_is_refused_and_nothing_is_written(soil, kwargs, field):
    with pytest.raises(services.SoilRejected) as refused:
        record(soil, **kwargs)
    assert field in refused.value.errors
    assert SoilSample.objects.count() == SampleValue.objects.count() == 0


def test_a_secretary_cannot_enter_samples(soil):
    with pytest.raises(services.SoilRejected) as refused:
        record(soil, by=soil.people.secretary)
    assert refused.value.errors == {"point": "未知的监测点位"}
    assert SoilSample.objects.count() == 0


@pytest.mark.django_db
def test_a_limit_is_kept_once_per_class_parameter_and_band_on_every_database():
    from django.db import IntegrityError, transaction

    from jiedao.soil.models import LandUseClass, SoilLimit

    land = LandUseClass.objects.create(code="test-2", name="测试用地", is_farmland=False)
    SoilLimit.objects.create(land_use_class=land, parameter="Cd", screening_value=65, source="测试")
    with pytest.raises(IntegrityError), transaction.atomic():
        SoilLimit.objects.create(land_use_class=land, parameter="Cd", screening_value=20, source="测试")
    SoilLimit.objects.create(land_use_class=land, parameter="Cd", ph_above=5.5, ph_up_to=6.5, screening_value=0.3,
                             source="测试")
    with pytest.raises(IntegrityError), transaction.atomic():
        SoilLimit.objects.create(land_use_class=land, parameter="Cd", ph_above=5.5, screening_value=0.4, source="测试")
