"""Imports of the address_register from .xlsx and GeoJSON: all or nothing, every refusal by row and column;
the export reads back in as the same address_register; the staff page for those who keep it."""

import io
import json

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from jiedao.addresses.models import HouseNumber, Place, Road
from jiedao.addresses.services import register_import_geojson, register_import_xlsx
from jiedao.conftest import address_point as at
from jiedao.territory.services import ImportRejected, RowError

pytestmark = pytest.mark.django_db


def workbook(sheets: dict[str, list[list]]) -> io.BytesIO:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "addresses.xlsx"
    return buffer


def good_sheets():
    lon, lat = at(0.5)
    return {
        "道路": [["名称", "别名", "走向", "状态"],
                 ["桃源路", "桃园路", f"{at(0.1)[0]},{lat}; {at(1.9)[0]},{lat}", "使用中"]],
        "门牌": [["道路", "门牌号", "附号", "建筑名称", "地址编码", "经度", "纬度", "状态"],
                 ["桃源路", "88号", None, "桃源新村", "DZ0088", lon, lat, None],
                 ["桃源路", 90, None, None, None, at(1.5)[0], lat, "使用中"]],
        "建筑与地点": [["名称", "类型", "别名", "道路", "门牌号", "附号", "经度", "纬度", "状态"],
                       ["桃源新村", "小区", None, "桃源路", 88, None, lon, lat, None]],
    }


def test_an_xlsx_register_is_imported_with_each_point_in_its_grid(world):
    result = register_import_xlsx(file=workbook(good_sheets()))
    assert (result.created, result.updated, result.extra) == (
        4, 0, {"roads": 1, "house_numbers": 2, "places": 1})
    assert {(h.label, h.grid_id, h.building_name, h.code) for h in HouseNumber.objects.all()} == {
        ("桃源路88号", world.grids[0].pk, "桃源新村", "DZ0088"), ("桃源路90号", world.grids[1].pk, "", "")}
    assert Road.objects.get().alias_list() == ["桃园路"]
    assert Place.objects.get().house_number.number == 88
    # A second import of the same file changes nothing but counts the rows as updated.
    again = register_import_xlsx(file=workbook(good_sheets()))
    assert (again.created, again.updated) == (0, 4)
    assert HouseNumber.objects.count() == 2


def test_every_bad_row_is_refused_by_row_and_column_and_nothing_is_written(world):
    sheets = good_sheets()
    sheets["道路"].append(["桃源路", None, "120.1,30.2", "使用中"])            # row 3: twice, one point
    sheets["门牌"].append(["无名路", "八十八", None, None, None, at(0.5)[0], at(0.5)[1], None])  # row 4
    sheets["门牌"].append(["桃源路", "abc", None, None, None, 121.5, 31.5, "拆了"])  # row 5
    sheets["建筑与地点"].append(["", "城堡", None, "桃源路", 99, None, "东", 30.2, None])  # row 3
    with pytest.raises(ImportRejected) as refused:
        register_import_xlsx(file=workbook(sheets))
    assert refused.value.errors == [
        RowError(3, "道路·名称", "道路 桃源路 与第 2 行重复"),
        RowError(3, "道路·走向", "每段道路至少需要 2 个坐标点"),
        RowError(4, "门牌·道路", "道路 无名路 既不在文件中也不在系统中"),
        RowError(5, "门牌·门牌号", "门牌号须为正整数，如 88"),
        RowError(5, "门牌·状态", "状态应为“使用中”或“已废止”"),
        RowError(5, "门牌·经度", "坐标 [121.5, 31.5] 不在任何网格内"),
        RowError(3, "建筑与地点·名称", "名称不能为空"),
        RowError(3, "建筑与地点·类型", "未知类型：城堡"),
        RowError(3, "建筑与地点·门牌号", "门牌 桃源路99 既不在文件中也不在系统中"),
        RowError(3, "建筑与地点·经度", "经度、纬度须为数字"),
    ]
    assert (Road.objects.count(), HouseNumber.objects.count(), Place.objects.count()) == (0, 0, 0)


def test_a_sheet_without_its_columns_or_a_file_that_is_no_workbook_is_refused(world):
    with pytest.raises(ImportRejected) as refused:
        register_import_xlsx(file=workbook({"门牌": [["道路", "门牌"], ["桃源路", 88]]}))
    assert [str(error) for error in refused.value.errors] == [
        "#1 门牌·门牌号: 缺少“门牌号”列", "#1 门牌·经度: 缺少“经度”列", "#1 门牌·纬度: 缺少“纬度”列"]
    with pytest.raises(ImportRejected) as refused:
        register_import_xlsx(file=io.BytesIO(b"not a workbook"))
    assert [str(error) for error in refused.value.errors] == ["file: 文件不是有效的 .xlsx 工作簿"]
    with pytest.raises(ImportRejected) as refused:
        register_import_xlsx(file=workbook({"Sheet": [["a"]]}))
    assert [str(error) for error in refused.value.errors] == ["file: 工作簿中没有“道路”“门牌”或“建筑与地点”工作表"]
    assert Road.objects.count() == 0


def geojson(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def test_a_geojson_register_is_imported(world):
    lon, lat = at(0.5)
    result = register_import_geojson(data=geojson(
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[at(0.1)[0], lat], [at(1.9)[0], lat]]},
         "properties": {"name": "桃源路"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
         "properties": {"road": "桃源路", "number": 88}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
         "properties": {"name": "桃源新村", "kind": "estate", "road": "桃源路", "number": 88}},
    ))
    assert result.extra == {"roads": 1, "house_numbers": 1, "places": 1}
    assert HouseNumber.objects.get().grid_id == world.grids[0].pk


def test_geojson_refusals_name_the_feature_and_nothing_is_written(world):
    with pytest.raises(ImportRejected) as refused:
        register_import_geojson(data=geojson(
            {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[200, 30.2], [120.1, 30.2]]},
             "properties": {"name": "桃源路"}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [121.5, 31.5]},
             "properties": {"road": "桃源路", "number": 88}},
        ))
    assert refused.value.errors == [
        RowError(0, "走向", "坐标 [200, 30.2] 超出经纬度范围，须为 WGS-84 经纬度"),
        RowError(1, "经度", "坐标 [121.5, 31.5] 不在任何网格内"),
    ]
    with pytest.raises(ImportRejected) as refused:
        register_import_geojson(data=geojson(
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": []}, "properties": {}}))
    assert refused.value.errors == [RowError(0, "geometry", "几何须为 LineString（道路）或 Point（门牌、建筑）")]
    with pytest.raises(ImportRejected):
        register_import_geojson(data="{not json")
    assert Road.objects.count() == 0


# ---------------------------------------------------------------- the staff page


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_leader_imports_on_the_page_and_exports_what_reads_back(world, address_register):
    client = signed_in(world.people.leader)
    page = client.get("/addresses/")
    assert page.status_code == 200
    exported = client.get("/addresses/export.xlsx")
    assert exported.status_code == 200
    book = load_workbook(io.BytesIO(exported.content))
    assert book.sheetnames == ["道路", "门牌", "建筑与地点"]
    before = sorted((h.label, h.grid_id) for h in HouseNumber.objects.select_related("road"))
    HouseNumber.objects.filter(pk=address_register.h86.pk).update(building_name="改过的名字")
    upload = io.BytesIO(exported.content)
    upload.name = "addresses.xlsx"
    response = client.post("/addresses/import/", {"file": upload})
    assert response.status_code == 302
    assert sorted((h.label, h.grid_id) for h in HouseNumber.objects.select_related("road")) == before
    assert HouseNumber.objects.get(pk=address_register.h86.pk).building_name == ""
    geo = client.get("/addresses/export.geojson")
    assert geo.status_code == 200
    assert len(geo.json()["features"]) == 3 + 7 + 3


def test_a_refused_import_on_the_page_lists_the_rows_and_writes_nothing(world):
    sheets = good_sheets()
    sheets["门牌"][1][5] = 121.5
    upload = workbook(sheets)
    response = signed_in(world.people.leader).post("/addresses/import/", {"file": upload})
    assert response.status_code == 400
    assert "门牌·经度" in response.content.decode()
    assert Road.objects.count() == 0


def test_a_leader_adds_a_house_number_and_its_grid_is_found(world, address_register):
    lon, lat = at(1.5)
    response = signed_in(world.people.leader).post("/addresses/house-numbers/", {
        "road": "桃源路", "number": "120", "longitude": str(lon), "latitude": str(lat), "status": "in_use"})
    assert response.status_code == 302
    assert HouseNumber.objects.get(number=120).grid_id == world.grids[1].pk
    outside = signed_in(world.people.leader).post("/addresses/house-numbers/", {
        "road": "桃源路", "number": "121", "longitude": "121.5", "latitude": "31.5", "status": "in_use"})
    assert outside.status_code == 400
    assert not HouseNumber.objects.filter(number=121).exists()


@pytest.mark.parametrize("person", ["intake_clerk", "grid_worker", "handler", "secretary"])
def test_only_those_who_keep_the_register_open_its_page(world, address_register, person):
    client = signed_in(getattr(world.people, person))
    assert client.get("/addresses/").status_code == 403
    assert client.get("/addresses/export.xlsx").status_code == 403
    assert client.post("/addresses/house-numbers/", {"road": "桃源路", "number": "7", "longitude": "120.105",
                                                     "latitude": "30.205"}).status_code == 403
    assert not HouseNumber.objects.filter(number=7).exists()
