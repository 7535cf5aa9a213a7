import io

import pytest
from django.contrib.auth import get_user_model
from openpyxl import Workbook

from jiedao.territory.models import Duty, Role
from jiedao.territory.services import ImportRejected, RowError, people_import_xlsx
from jiedao.territory.tests.factories import OrganisationFactory, small_tree

HEADER = ["账号", "姓名", "手机号", "角色", "负责范围编码", "所属单位编码", "初始密码"]
User = get_user_model()


def workbook(*rows, header=HEADER) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.fixture
def places(db):
    *_, community, west, _east = small_tree()
    cleaning = OrganisationFactory(code="D02", name="环卫所")
    return community, west, cleaning


VALID = [
    ("wangwg", "王网格", 13800138000, "网格员", "440305001001001", None, "Start-1234"),
    ("lisj", "李书记", "13900139000", "first_responsible", "440305001001", None, None),
    ("sunhw", "孙环卫", "", "处置人员", None, "D02", None),
]


def state():
    return (sorted(User.objects.values_list("username", "full_name", "phone")),
            sorted(Duty.objects.values_list("user__username", "role", "unit__code", "organisation__code")))


def test_valid_sheet_creates_people_and_duties(places):
    result = people_import_xlsx(file=workbook(*VALID))

    assert (result.created, result.updated, result.extra) == (3, 0, {"duties_created": 3})
    assert state() == (
        [("lisj", "李书记", "13900139000"), ("sunhw", "孙环卫", ""), ("wangwg", "王网格", "13800138000")],
        [("lisj", "first_responsible", "440305001001", None), ("sunhw", "department_handler", None, "D02"),
         ("wangwg", "grid_worker", "440305001001001", None)],
    )
    assert User.objects.get(username="wangwg").check_password("Start-1234")
    assert User.objects.get(username="lisj").has_usable_password() is False


def test_importing_again_updates_people_without_duplicating_duties(places):
    people_import_xlsx(file=workbook(*VALID))

    result = people_import_xlsx(file=workbook(("wangwg", "王大网格", "13800138001", "grid_worker",
                                               "440305001001001", None, "Other-5678")))

    assert (result.created, result.updated, result.extra) == (0, 1, {"duties_created": 0})
    user = User.objects.get(username="wangwg")
    assert (user.full_name, user.phone) == ("王大网格", "13800138001")
    assert user.check_password("Start-1234")  # an existing person keeps their password
    assert Duty.objects.filter(user=user).count() == 1


@pytest.mark.parametrize(("row", "expected"), [
    (("zhao", "赵", "", "扫地僧", "440305001001001", None, None), RowError(5, "角色", "未知角色：扫地僧")),
    (("zhao", "赵", "", "网格员", "440305009009009", None, None),
     RowError(5, "负责范围编码", "负责范围编码 440305009009009 不存在")),
    (("zhao", "赵", "", "处置人员", None, "D99", None), RowError(5, "所属单位编码", "所属单位编码 D99 不存在")),
    (("zhao", "赵", "", "网格员", None, "D02", None),
     RowError(5, "负责范围编码", "属地角色“网格员”必须填写负责范围编码")),
    (("zhao", "赵", "", "部门管理员", "440305001001", None, None),
     RowError(5, "所属单位编码", "部门角色“部门管理员”必须填写所属单位编码")),
    (("zhao", "赵", "1380013800", "网格员", "440305001001001", None, None),
     RowError(5, "手机号", "手机号 1380013800 格式不正确，应为 11 位手机号")),
    (("wangwg", "赵", "", "网格员", "440305001001001", None, None),
     RowError(5, "账号", "账号 wangwg 与第 2 行重复")),
    (("zhao wu", "赵", "", "网格员", "440305001001001", None, None),
     RowError(5, "账号", "账号只能包含字母、数字和 @/./+/-/_")),
    (("zhao", None, "", "网格员", "440305001001001", None, None), RowError(5, "姓名", "姓名不能为空")),
    (("zhao", "赵", "", "网格员", "440305001001001", None, "qingxi12345"),
     RowError(5, "初始密码", "密码须包含大写字母、小写字母、数字、符号中的至少 3 类。")),
])
def test_each_kind_of_error_is_reported_by_row_and_nothing_is_written(places, row, expected):
    before = state()

    with pytest.raises(ImportRejected) as raised:
        people_import_xlsx(file=workbook(*VALID, row))

    assert raised.value.errors == [expected]
    assert state() == before


def test_missing_columns_are_reported_on_the_header_row(places):
    with pytest.raises(ImportRejected) as raised:
        people_import_xlsx(file=workbook(("wangwg", "王网格"), header=["账号", "姓名"]))

    assert raised.value.errors == [RowError(1, "角色", "缺少“角色”列"),
                                   RowError(1, "负责范围编码", "至少需要“负责范围编码”或“所属单位编码”列")]
    assert User.objects.count() == 0


def test_a_file_that_is_not_a_workbook_is_rejected(places):
    with pytest.raises(ImportRejected) as raised:
        people_import_xlsx(file=io.BytesIO(b"not a workbook"))

    assert [(error.row, error.field) for error in raised.value.errors] == [(None, "file")]


def test_blank_rows_are_skipped(places):
    result = people_import_xlsx(file=workbook(VALID[0], (None,) * 7, VALID[2]))

    assert (result.created, Role.GRID_WORKER in Duty.objects.values_list("role", flat=True)) == (2, True)


def test_a_new_person_given_a_password_must_change_it_and_each_new_duty_is_logged(places):
    from django.test import RequestFactory

    from jiedao.audit.models import EventKind, SecurityEvent

    request = RequestFactory().post("/org/", REMOTE_ADDR="10.30.0.1")
    request.user = User.objects.create_user(username="sysadmin", password="x")

    people_import_xlsx(file=workbook(*VALID), request=request)

    assert User.objects.get(username="wangwg").must_change_password is True
    duties = SecurityEvent.objects.filter(kind=EventKind.DUTY_CHANGED).order_by("pk")
    assert [(event.actor_name, event.address, event.target_label) for event in duties] == [
        ("sysadmin", "10.30.0.1", "wangwg"), ("sysadmin", "10.30.0.1", "lisj"), ("sysadmin", "10.30.0.1", "sunhw")]
    assert duties[0].detail["source"] == "people_import"
