"""Imports of the 部件普查 census sheet and GeoJSON: all-or-nothing, every refusal by row."""

import io
import json

import pytest
from openpyxl import Workbook, load_workbook

from jiedao.assets.models import Asset, AssetState, AssetStateChange
from jiedao.assets.services import assets_export_rows, assets_import_geojson, assets_import_xlsx
from jiedao.conftest import grid_centre
from jiedao.territory.coordinates import wgs84_to_gcj02
from jiedao.territory.services import ImportRejected

from .conftest import component

HEADERS = ["管理部件标识码", "管理部件名称", "养护单位", "管理部件状态", "初始日期", "经度", "纬度", "坐标系"]


def workbook(rows, headers=HEADERS) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = "部件"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.fixture
def classes(world):
    return component("01037", "路灯"), component("01002", "污水井盖")


def test_a_census_sheet_is_written_with_a_history_row_each(world, classes):
    lon, lat = grid_centre(0)
    gcj = wgs84_to_gcj02(lon + 0.001, lat)
    rows = [["33019901037000001", "路灯1", "D02", "完好", "20250301", lon, lat, ""],
            ["33019901002000001", "", "环卫所", "破损", "2025-03-02", gcj[0], gcj[1], "gcj02"]]

    result = assets_import_xlsx(file=workbook(rows), by=world.people.leader)

    assert (result.created, result.updated) == (2, 0)
    lamp = Asset.objects.get(identifier="33019901037000001")
    assert (lamp.item.code, lamp.maintainer, lamp.grid, lamp.state) == ("01037", world.cleaning, world.grids[0],
                                                                         AssetState.INTACT)
    assert str(lamp.initial_date) == "2025-03-01"
    manhole = Asset.objects.get(identifier="33019901002000001")
    assert manhole.state == AssetState.DAMAGED
    assert abs(manhole.longitude - (lon + 0.001)) < 1e-7 and abs(manhole.latitude - lat) < 1e-7
    assert AssetStateChange.objects.filter(from_state="").count() == 2


def test_refusals_are_listed_by_row_and_nothing_is_written(world, classes):
    lon, lat = grid_centre(0)
    rows = [
        ["33019901037000001", "", "D02", "完好", "", lon, lat, ""],          # row 2: fine
        ["33019901037000001", "", "D02", "完好", "", lon, lat, ""],          # row 3: duplicate of row 2
        ["33019901037000002", "", "D02", "完好", "", 121.5, 31.2, ""],        # row 4: outside the sub-district
        ["33019909999000001", "", "D02", "完好", "", lon, lat, ""],          # row 5: unknown class
        ["33019901037000003", "", "D02", "完好", "", "东经120", lat, ""],     # row 6: bad coordinates
        ["33019901037000004", "", "无名公司", "坏了", "2025-13-01", lon, lat, ""],  # row 7: org, state, date
    ]

    with pytest.raises(ImportRejected) as refused:
        assets_import_xlsx(file=workbook(rows), by=world.people.leader)

    found = [(error.row, error.field) for error in refused.value.errors]
    assert found == [(3, "管理部件标识码"), (4, "经度"), (5, "小类代码"), (6, "经度"),
                     (7, "管理部件状态"), (7, "养护单位"), (7, "初始日期")]
    messages = {error.row: error.message for error in refused.value.errors}
    assert "与第 2 行重复" in messages[3]
    assert "不在本街道的任何网格内" in messages[4]
    assert "09999" in messages[5]
    assert Asset.objects.count() == 0
    assert AssetStateChange.objects.count() == 0


def test_a_sheet_without_the_identifier_column_is_refused(world, classes):
    with pytest.raises(ImportRejected) as refused:
        assets_import_xlsx(file=workbook([["x", 1, 2]], headers=["名称", "经度", "纬度"]), by=world.people.leader)

    assert [(error.row, error.field) for error in refused.value.errors] == [(1, "管理部件标识码")]


def test_an_identifier_of_another_class_is_refused(world, classes):
    lon, lat = grid_centre(0)
    headers = ["管理部件标识码", "小类代码", "经度", "纬度"]

    with pytest.raises(ImportRejected) as refused:
        assets_import_xlsx(file=workbook([["33019901037000001", "01002", lon, lat]], headers=headers),
                           by=world.people.leader)

    assert [(error.row, error.field) for error in refused.value.errors] == [(2, "管理部件标识码")]


def test_geojson_features_are_refused_by_index(world, classes):
    lon, lat = grid_centre(0)
    document = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
         "properties": {"identifier": "33019901037000001", "maintainer": "D02"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
         "properties": {"identifier": "33019901037000001"}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": []}, "properties": {}},
    ]}

    with pytest.raises(ImportRejected) as refused:
        assets_import_geojson(data=json.dumps(document), by=world.people.leader)

    assert [(error.row, error.field) for error in refused.value.errors] == [(2, "geometry")]
    document["features"].pop()
    with pytest.raises(ImportRejected) as refused:
        assets_import_geojson(data=json.dumps(document), by=world.people.leader)
    assert [(error.row, error.field) for error in refused.value.errors] == [(1, "identifier")]
    assert Asset.objects.count() == 0


def test_a_geojson_line_is_kept_with_its_middle_as_the_point(world, classes):
    lon, lat = grid_centre(0)
    document = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[lon - 0.001, lat], [lon + 0.001, lat]]},
         "properties": {"identifier": "33019901002000009", "state": "丢失"}}]}

    assets_import_geojson(data=json.dumps(document), by=world.people.leader)

    asset = Asset.objects.get()
    assert asset.line["type"] == "LineString"
    assert (round(asset.longitude, 7), round(asset.latitude, 7)) == (round(lon, 7), round(lat, 7))
    assert asset.state == AssetState.LOST


def test_the_export_imports_again_as_the_same_register(world, classes):
    lon, lat = grid_centre(0)
    assets_import_xlsx(file=workbook([["33019901037000001", "路灯1", "D02", "破损", "20250301", lon, lat, ""]]),
                       by=world.people.leader)
    from jiedao.assets.services import EXPORT_HEADERS

    rows = assets_export_rows(Asset.objects.all())
    again = assets_import_xlsx(file=workbook(rows, headers=EXPORT_HEADERS), by=world.people.leader)

    assert (again.created, again.updated) == (0, 1)
    assert AssetStateChange.objects.count() == 1  # the state did not change: no new row
    book = load_workbook(workbook(rows, headers=EXPORT_HEADERS))
    assert book["部件"]["A2"].value == "33019901037000001"
