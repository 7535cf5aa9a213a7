import json

import pytest

from jiedao.territory.models import GridClass, GridClassScheme, Unit
from jiedao.territory.services import (
    ImportRejected,
    RowError,
    grid_class_scheme_choose,
    grid_classes_seed_default,
    units_import_geojson,
)
from jiedao.territory.tests.factories import UnitFactory, square


def feature(code, name, level, parent_code=None, grid_class=None, geometry=None):
    properties = {"code": code, "name": name, "level": level}
    if parent_code is not None:
        properties["parent_code"] = parent_code
    if grid_class is not None:
        properties["grid_class"] = grid_class
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def collection(*features) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False)


def valid_features():
    # Children first: the file's order does not matter.
    return [
        feature("440305001001001", "一网格", "grid", "440305001001", "1", square(120.0, 30.0)),
        feature("440305001001002", "二网格", "网格", "440305001001", "二类", square(120.01, 30.0)),
        feature("440305001001", "平山社区", "community", "440305001", geometry=square(120.0, 30.0, 0.02)),
        feature("440305001", "桃源街道", "subdistrict"),
    ]


@pytest.fixture(autouse=True)
def default_classes(db):
    return grid_classes_seed_default()


def snapshot():
    return sorted(Unit.objects.values_list("code", "name", "level", "path", "grid_class", "boundary"))


def test_valid_file_creates_the_tree_with_paths(db):
    result = units_import_geojson(data=collection(*valid_features()).encode())

    assert (result.created, result.updated) == (4, 0)
    grid = Unit.objects.get(code="440305001001002")
    assert (grid.path, grid.level, grid.grid_class.code, grid.parent.code) == (
        "/440305001/440305001001/440305001001002/", "grid", "2", "440305001001")
    assert grid.boundary == square(120.01, 30.0)
    assert Unit.objects.get(code="440305001").parent is None


def test_existing_codes_are_updated_and_parent_may_already_exist(db):
    district = UnitFactory(level="district", code="440305", name="南山区")
    units_import_geojson(data=collection(*valid_features()))
    moved = [feature("440305001", "桃源街道（新）", "subdistrict", "440305"),
             feature("440305001001001", "一网格", "grid", "440305001001", "2", square(120.0, 30.0))]

    result = units_import_geojson(data=collection(*moved))

    assert (result.created, result.updated) == (0, 2)
    assert Unit.objects.get(code="440305001").name == "桃源街道（新）"
    assert Unit.objects.get(code="440305001001002").path == (
        "/440305/440305001/440305001001/440305001001002/")
    assert Unit.objects.get(code="440305001001001").grid_class.name == "二类"
    assert Unit.objects.get(code="440305001").parent == district


def reject(data) -> list[RowError]:
    with pytest.raises(ImportRejected) as raised:
        units_import_geojson(data=data)
    return raised.value.errors


open_ring = {"type": "Polygon", "coordinates": [[[120.0, 30.0], [120.01, 30.0], [120.01, 30.01], [120.0, 30.01]]]}
bow_tie = {"type": "Polygon", "coordinates": [[[120.0, 30.0], [120.01, 30.01], [120.01, 30.0], [120.0, 30.01],
                                               [120.0, 30.0]]]}
projected = {"type": "Polygon", "coordinates": [[[500000, 3300000], [500100, 3300000], [500100, 3300100],
                                                 [500000, 3300000]]]}
point = {"type": "Point", "coordinates": [120.0, 30.0]}


@pytest.mark.parametrize(("bad", "expected"), [
    (feature("44030500100100", "短编码", "grid", "440305001001", "1", square(120.0, 30.1)),
     RowError(4, "code", "网格编码必须是 15 位数字（6 位区县 + 3 位街道 + 3 位社区 + 3 位顺序码）")),
    (feature("440305001001009", "", "grid", "440305001001", "1", square(120.0, 30.1)),
     RowError(4, "name", "名称不能为空")),
    (feature("440305001001009", "网格", "building", "440305001001", "1", square(120.0, 30.1)),
     RowError(4, "level", "层级无效，应为 district、subdistrict、area、community 或 grid")),
    (feature("440305001001009", "网格", "grid", "440305001001", "3", square(120.0, 30.1)),
     RowError(4, "grid_class", "区域类别无效，应为当前区域类别方案中的类别：1（一类）、2（二类）")),
    (feature("440305001001009", "网格", "grid", "440305009009", "1", square(120.0, 30.1)),
     RowError(4, "parent_code", "上级单位编码 440305009009 既不在文件中也不在系统中")),
    (feature("440305001001009", "网格", "grid", None, "1", square(120.0, 30.1)),
     RowError(4, "parent_code", "网格必须有上级单位")),
    (feature("440305001001009", "网格", "grid", "440305001001", "1", None),
     RowError(4, "geometry", "网格必须有边界")),
    (feature("440305001001009", "网格", "grid", "440305001001", "1", open_ring),
     RowError(4, "geometry", "环未闭合：首尾坐标必须相同")),
    (feature("440305001001009", "网格", "grid", "440305001001", "1", projected),
     RowError(4, "geometry", "坐标 [500000, 3300000] 超出经纬度范围，边界须为 WGS-84 经纬度")),
    (feature("440305001001009", "网格", "grid", "440305001001", "1", point),
     RowError(4, "geometry", "边界类型必须是 Polygon 或 MultiPolygon，而不是 Point")),
    (feature("440305001001009", "网格", "grid", "440305001001", "1", bow_tie),
     RowError(4, "geometry", "边界几何无效：Self-intersection[120.005 30.005]")),
    (feature("440305001001001", "重复", "grid", "440305001001", "1", square(120.0, 30.1)),
     RowError(4, "code", "编码 440305001001001 在文件中重复（见第 0 个要素）")),
    (feature("440305001009", "社区", "community", "440305001001001"),
     RowError(4, "parent_code", "上级单位的层级必须高于本单位")),
    ({"type": "Point"}, RowError(4, "type", "要素必须是 GeoJSON Feature")),
])
def test_each_kind_of_error_is_reported_and_nothing_is_written(db, bad, expected):
    UnitFactory(level="district", code="440305")
    before = snapshot()

    errors = reject(collection(*valid_features(), bad))

    assert errors == [expected]
    assert snapshot() == before


def test_a_parent_cycle_is_rejected(db):
    errors = reject(collection(feature("A1", "甲", "area", "C1"), feature("C1", "乙", "community", "A1")))

    assert RowError(0, "parent_code", "上级关系形成了循环") in errors
    assert RowError(1, "parent_code", "上级关系形成了循环") in errors
    assert Unit.objects.count() == 0


def test_errors_of_every_feature_are_reported_together(db):
    errors = reject(collection(feature("1", "", "grid", None, "1", square(120.0, 30.0)),
                               feature("440305001", "街道", "nope")))

    assert [(error.row, error.field) for error in errors] == [
        (0, "code"), (0, "name"), (0, "parent_code"), (1, "level")]


@pytest.mark.parametrize(("data", "expected"), [
    ("not json", RowError(None, "file", "不是有效的 JSON：Expecting value: line 1 column 1 (char 0)")),
    (json.dumps({"type": "Feature"}), RowError(None, "type", "文件必须是 GeoJSON FeatureCollection")),
    (json.dumps({"type": "FeatureCollection", "features": []}),
     RowError(None, "features", "FeatureCollection 中没有要素")),
])
def test_file_level_errors(db, data, expected):
    assert reject(data) == [expected]
    assert Unit.objects.count() == 0


def test_grids_name_a_class_of_the_scheme_in_use_by_name_or_code(db):
    # Given an office that uses 核心区/一般区 instead of 一类/二类
    scheme = GridClassScheme.objects.create(name="核心区/一般区")
    core = GridClass.objects.create(scheme=scheme, code="core", name="核心区", order=1)
    general = GridClass.objects.create(scheme=scheme, code="general", name="一般区", order=2)
    grid_class_scheme_choose(scheme=scheme)
    units = [feature("440305001", "桃源街道", "subdistrict"),
             feature("440305001001", "平山社区", "community", "440305001", geometry=square(120.0, 30.0, 0.02)),
             feature("440305001001001", "一网格", "grid", "440305001001", "核心区", square(120.0, 30.0)),
             feature("440305001001002", "二网格", "grid", "440305001001", "general", square(120.01, 30.0))]

    units_import_geojson(data=collection(*units))

    assert dict(Unit.objects.filter(level="grid").values_list("code", "grid_class")) == {
        "440305001001001": core.pk, "440305001001002": general.pk}


def test_a_class_of_a_scheme_not_in_use_is_refused(db):
    scheme = GridClassScheme.objects.create(name="A/B/C")
    GridClass.objects.create(scheme=scheme, code="A", name="A类", order=1)
    grid = feature("440305001001009", "网格", "grid", "440305001001", "A类", square(120.0, 30.1))

    errors = reject(collection(*valid_features(), grid))

    assert errors == [RowError(4, "grid_class", "区域类别无效，应为当前区域类别方案中的类别：1（一类）、2（二类）")]
    assert not Unit.objects.exists()
