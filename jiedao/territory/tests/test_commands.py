import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from jiedao.catalogue.models import CaseRule, CatalogueItem
from jiedao.territory.models import Duty, Organisation, Unit
from jiedao.territory.tests.factories import square


def test_import_units_reports_errors_and_imports_nothing(db, tmp_path):
    path = tmp_path / "grids.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "123", "name": "网格", "level": "grid", "parent_code": "X"},
         "geometry": square(120.0, 30.0)}]}))
    stderr = io.StringIO()

    with pytest.raises(CommandError, match="2 error"):
        call_command("import_units", str(path), stderr=stderr)

    assert stderr.getvalue().splitlines() == [
        "features[0] parent_code: 上级单位编码 X 既不在文件中也不在系统中",
        "features[0] code: 网格编码必须是 15 位数字（6 位区县 + 3 位街道 + 3 位社区 + 3 位顺序码）",
    ]
    assert Unit.objects.count() == 0


def test_import_units_and_people(db, tmp_path):
    units = tmp_path / "units.geojson"
    units.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "440305001001", "name": "社区", "level": "community"},
         "geometry": None}]}))
    people = tmp_path / "people.xlsx"
    book = Workbook()
    book.active.append(["账号", "姓名", "手机号", "角色", "负责范围编码"])
    book.active.append(["wang", "王", "13800138000", "社区第一责任人", "440305001001"])
    book.save(people)
    stdout = io.StringIO()

    call_command("import_units", str(units), stdout=stdout)
    call_command("import_people", str(people), stdout=stdout)

    assert stdout.getvalue().splitlines() == [
        "created: 1; updated: 0", "people created: 1; updated: 0; duties created: 1"]
    assert Duty.objects.get().unit.code == "440305001001"


def test_seed_catalogue_is_idempotent(db):
    stdout = io.StringIO()

    call_command("seed_catalogue", stdout=stdout)
    call_command("seed_catalogue", stdout=stdout)

    assert stdout.getvalue().splitlines() == [
        "departments created: 12; standard rows: 403; local rows: 14; case rules created: 52",
        "departments created: 0; standard rows: 403; local rows: 14; case rules created: 0",
    ]
    assert (Organisation.objects.count(), CatalogueItem.objects.count(), CaseRule.objects.count()) == (12, 417, 52)
