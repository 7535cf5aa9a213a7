"""The river register: segments located in the territory, imports all-or-nothing with errors by
row, and chiefs answering only for segments inside their unit."""

import io
import json

import pytest
from django.urls import reverse
from openpyxl import Workbook

from jiedao.conftest import ORIGIN_LAT, ORIGIN_LON
from jiedao.rivers import services
from jiedao.rivers.models import RiverSegment, Waterbody
from jiedao.territory.services import ImportRejected

from .conftest import LAT, line


def feature(code, lon_from, lon_to, **properties):
    return {"type": "Feature", "geometry": line(lon_from, lon_to),
            "properties": {"河湖代码": "HQ02", "河湖名称": "梅溪", "河段编码": code, "河段名称": f"{code}段", **properties}}


def collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def test_a_segment_knows_the_grids_and_units_it_crosses(river, world):
    codes = set(river.segment.units.values_list("code", flat=True))
    assert codes == {"330199", "330199001", "330199001A01", "330199001001", "330199001001001", "330199001001002"}
    # 0.016° × π/180 × 6 371 008.8 m × cos 30.205° = 1537.6 m
    assert river.segment.length_m == pytest.approx(1537.6, abs=0.1)


def test_a_geojson_import_creates_the_waterbody_and_its_segments(river, world):
    result = services.register_import_geojson(data=collection(
        feature("HQ02-01", ORIGIN_LON + 0.002, ORIGIN_LON + 0.008, 类型="河流", 管理级别="村级"),
        feature("HQ02-02", ORIGIN_LON + 0.012, ORIGIN_LON + 0.028)))
    assert (result.created, result.updated, result.extra) == (2, 0, {"waterbodies": 1, "segments": 2})
    waterbody = Waterbody.objects.get(code="HQ02")
    assert (waterbody.name, waterbody.management_level) == ("梅溪", "village")
    crossing = RiverSegment.objects.get(code="HQ02-02")
    assert set(crossing.units.filter(level="community").values_list("name", flat=True)) == {"桃源社区", "柳岸社区"}


def test_an_import_with_a_duplicate_code_or_a_point_outside_writes_nothing(river, world):
    with pytest.raises(ImportRejected) as rejected:
        services.register_import_geojson(data=collection(
            feature("HQ02-01", ORIGIN_LON + 0.002, ORIGIN_LON + 0.008),
            feature("HQ02-01", ORIGIN_LON + 0.012, ORIGIN_LON + 0.018),
            feature("HQ02-03", ORIGIN_LON + 0.035, ORIGIN_LON + 0.060)))
    errors = [(error.row, error.field, error.message) for error in rejected.value.errors]
    assert errors == [
        (1, "河段编码", "河段编码 HQ02-01 与第 0 行重复"),
        (2, "几何", "有 1 个坐标点在本街道以外，如 120.160000,30.205000"),
    ]
    assert not Waterbody.objects.filter(code="HQ02").exists()
    assert RiverSegment.objects.count() == 2


def test_an_xlsx_import_names_the_row_and_column(river, world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "河段"
    sheet.append(["河湖代码", "河湖名称", "河段编码", "河段名称", "几何", "类型"])
    sheet.append(["HQ02", "梅溪", "HQ02-01", "上段", f"{ORIGIN_LON + 0.002},{LAT}; {ORIGIN_LON + 0.008},{LAT}", "河流"])
    sheet.append(["HQ02", "梅溪", "HQ02-02", "下段", f"{ORIGIN_LON + 0.012},{LAT}; {ORIGIN_LON + 0.018},{LAT}", "水库"])
    sheet.append(["HQ02", "梅溪", "HQ02-03", "", "120.5,30.5; 120.6,30.5", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    with pytest.raises(ImportRejected) as rejected:
        services.register_import_xlsx(file=buffer)
    assert [(error.row, error.field) for error in rejected.value.errors] == [(3, "类型"), (4, "河段名称"), (4, "几何")]
    assert RiverSegment.objects.count() == 2


def test_the_import_page_shows_every_error_and_keeps_the_register(river, client):
    client.force_login(river.people.office)
    upload = io.BytesIO(collection(feature("HQ02-01", ORIGIN_LON + 0.035, ORIGIN_LON + 0.060)).encode())
    upload.name = "rivers.geojson"
    response = client.post(reverse("rivers:import"), {"file": upload})
    assert response.status_code == 400
    assert "有 1 个坐标点在本街道以外" in response.content.decode()
    assert RiverSegment.objects.count() == 2


def test_only_the_river_office_imports(river, client):
    client.force_login(river.people.chief)
    upload = io.BytesIO(collection(feature("HQ02-01", ORIGIN_LON + 0.002, ORIGIN_LON + 0.008)).encode())
    upload.name = "rivers.geojson"
    assert client.post(reverse("rivers:import"), {"file": upload}).status_code == 403
    assert RiverSegment.objects.count() == 2


def test_a_chief_is_refused_a_segment_outside_their_unit(river, world):
    with pytest.raises(services.InvalidInput) as refused:
        services.chief_segments_assign(chief=river.chief, segments=[river.other_segment], by=river.people.office)
    assert refused.value.message == "河段 HQ01-02 柳岸段 不在 桃源河长 的负责范围（桃源社区）内"
    assert list(river.chief.segments.values_list("code", flat=True)) == ["HQ01-01"]


def test_the_refusal_comes_back_as_the_form_sent_in_english_too(river, client):
    client.force_login(river.people.office)
    response = client.post(reverse("rivers:chief-assign"), {"chief": river.chief.pk, "segments": "HQ01-02"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert 'value="HQ01-02"' in response.content.decode()
    assert list(river.chief.segments.values_list("code", flat=True)) == ["HQ01-01"]


def test_a_segment_crossing_both_communities_goes_to_the_town_chief_only(river, world):
    crossing = services.segment_save(waterbody=river.waterbody, code="HQ01-03", name="跨界段",
                                     geometry=line(ORIGIN_LON + 0.015, ORIGIN_LON + 0.025))
    with pytest.raises(services.InvalidInput):
        services.chief_segments_assign(chief=river.chief, segments=[crossing])
    services.chief_segments_assign(chief=river.town_chief, segments=[crossing])
    assert river.town_chief.segments.filter(code="HQ01-03").exists()


def test_a_segment_outside_the_sub_district_is_refused(river):
    with pytest.raises(services.InvalidInput):
        services.segment_save(waterbody=river.waterbody, code="X", name="外", geometry=line(121.0, 121.1, ORIGIN_LAT))
    assert not RiverSegment.objects.filter(code="X").exists()
