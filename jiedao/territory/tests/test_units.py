import pytest
from django.core.exceptions import ValidationError

from jiedao.territory.models import Organisation, Role, Unit
from jiedao.territory.services import duty_assign, organisations_seed_default, unit_create, unit_update
from jiedao.territory.tests.factories import OrganisationFactory, UnitFactory, small_tree, square


def test_unit_create_sets_the_path(db):
    subdistrict = unit_create(code="440305001", name="桃源街道", level="subdistrict")

    community = unit_create(code="440305001001", name="平山社区", level="社区（村）", parent=subdistrict)

    assert (community.path, community.level) == ("/440305001/440305001001/", "community")


def test_unit_create_validates(db):
    UnitFactory(code="440305001")

    with pytest.raises(ValidationError) as raised:
        unit_create(code="440305001", name="", level="grid", boundary=square(200.0, 30.0))

    assert raised.value.message_dict == {
        "code": ["网格编码必须是 15 位数字（6 位区县 + 3 位街道 + 3 位社区 + 3 位顺序码）",
                 "编码 440305001 已存在"],
        "name": ["名称不能为空"],
        "parent_code": ["网格必须有上级单位"],
        "geometry": ["坐标 [200.0, 30.0] 超出经纬度范围，边界须为 WGS-84 经纬度"],
    }
    assert Unit.objects.count() == 1


def test_changing_a_code_rewrites_every_descendant_path(db):
    _district, subdistrict, *_ = small_tree()

    unit_update(unit=subdistrict, code="440305009")

    assert sorted(Unit.objects.values_list("path", flat=True)) == [
        "/440305/",
        "/440305/440305009/",
        "/440305/440305009/440305001A1/",
        "/440305/440305009/440305001A1/440305001001/",
        "/440305/440305009/440305001A1/440305001001/440305001001001/",
        "/440305/440305009/440305001A1/440305001001/440305001001002/",
    ]


def test_a_unit_cannot_move_under_itself(db):
    _district, subdistrict, _area, community, *_ = small_tree()

    with pytest.raises(ValidationError) as raised:
        unit_update(unit=subdistrict, parent=community)

    assert raised.value.message_dict["parent"] == ["上级单位不能是本单位或其下级"]
    assert Unit.objects.get(pk=subdistrict.pk).path == "/440305/440305001/"


def test_default_departments_are_seeded_once_and_kept_as_edited(db):
    assert organisations_seed_default() == 12
    Organisation.objects.filter(code="D02").update(name="环境卫生管理所")

    assert organisations_seed_default() == 0
    assert Organisation.objects.count() == 12
    assert Organisation.objects.get(code="D02").name == "环境卫生管理所"
    assert Organisation.objects.get(code="D09").kind == "agency"


def test_duty_assign_is_idempotent_and_checks_the_scope(db, django_user_model):
    *_, west, _east = small_tree()
    user = django_user_model.objects.create_user(username="wang")

    first = duty_assign(user=user, role=Role.GRID_WORKER, unit=west)

    assert duty_assign(user=user, role=Role.GRID_WORKER, unit=west).pk == first.pk
    with pytest.raises(ValidationError) as raised:
        duty_assign(user=user, role=Role.DEPARTMENT_HANDLER, unit=west)
    assert raised.value.message_dict == {"organisation": ["部门角色“处置人员”必须填写所属单位"]}
    duty_assign(user=user, role=Role.DEPARTMENT_HANDLER, organisation=OrganisationFactory())
    assert user.duties.count() == 2
