"""Reporting through the form, and one case walked through the whole loop by posting the forms."""

from django.contrib.messages import get_messages
from django.urls import reverse

from jiedao.cases.models import Case, CaseEvent
from jiedao.conftest import grid_centre, jpeg_bytes, make_upload


def report_form(world, **overrides):
    lon, lat = grid_centre(0)
    data = {"item": world.item.pk, "longitude": f"{lon}", "latitude": f"{lat}", "crs": "wgs84",
            "address": "桃源路 12 号", "description": "路口成堆垃圾", "source": "patrol",
            "photos": make_upload()}
    data.update(overrides)
    return data


def test_report_page_renders_the_map_data_and_the_default_source(world, as_user):
    response = as_user(world.people.intake_clerk).get(reverse("web:case-new"))

    assert response.status_code == 200
    assert response.context["values"]["source"] == "hotline"
    assert len(response.context["map_data"]["grids"]["features"]) == 4


def test_report_by_a_grid_worker_creates_the_case_and_opens_it(world, clock, as_user):
    response = as_user(world.people.grid_worker).post(reverse("web:case-new"), report_form(world))

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:case-detail", args=[case.number])
    assert (case.state, case.grid_id, case.photos.count()) == ("reported", world.grids[0].pk, 1)


def test_a_renamed_exe_as_photo_is_refused_and_no_case_is_created(world, clock, as_user):
    fake = make_upload(name="photo.jpg", data=b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")

    response = as_user(world.people.grid_worker).post(reverse("web:case-new"), report_form(world, photos=fake))

    assert response.status_code == 400
    assert "photos" in response.context["errors"]
    assert "不是可识别的照片" in response.context["errors"]["photos"]
    assert response.context["values"]["description"] == "路口成堆垃圾"  # the input is kept
    assert Case.objects.count() == 0


def test_a_report_outside_every_grid_is_refused(world, clock, as_user):
    response = as_user(world.people.grid_worker).post(
        reverse("web:case-new"), report_form(world, longitude="121.5", latitude="31.2"))

    assert response.status_code == 400
    assert response.context["errors"] == {"location": "该位置不在本街道的任何网格内"}
    assert Case.objects.count() == 0


def test_a_report_without_category_is_refused_next_to_the_field(world, clock, as_user):
    response = as_user(world.people.grid_worker).post(reverse("web:case-new"), report_form(world, item=""))

    assert response.context["errors"] == {"item": "请选择问题分类"}
    assert Case.objects.count() == 0


def test_a_department_handler_may_not_report(world, as_user):
    response = as_user(world.people.handler).get(reverse("web:case-new"))

    assert response.status_code == 403


def test_self_handled_report_needs_after_photos(world, clock, as_user):
    response = as_user(world.people.grid_worker).post(reverse("web:case-new"),
                                                      report_form(world, self_handled="on"))

    assert response.context["errors"] == {"after_photos": "自处置案件须上传处置后照片"}
    assert Case.objects.count() == 0


def test_a_case_walked_through_the_loop_by_posting_the_forms(world, clock, as_user):
    people = world.people
    as_user(people.grid_worker).post(reverse("web:case-new"), report_form(world))
    case = Case.objects.get()

    def post(person, action, **data):
        current = Case.objects.get(pk=case.pk)
        response = as_user(person).post(reverse("web:case-act", args=[case.number, action]),
                                        {"expected_version": current.version, **data})
        assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"], action
        return Case.objects.get(pk=case.pk).state

    assert post(people.intake_clerk, "accept", opinion="情况属实") == "accepted"
    assert post(people.shift_lead, "file", rule=world.rule.pk) == "filed"
    assert post(people.dispatcher, "dispatch", department=world.cleaning.pk,
                territorial_owner=world.taoyuan.pk) == "handling"
    assert post(people.handler, "report_fix", opinion="已清运完毕",
                photos=[make_upload(), make_upload(data=jpeg_bytes((30, 160, 60)))]) == "fixed"
    assert post(people.inspector, "check", passed="yes", opinion="现场已清理") == "checked"
    assert post(people.shift_lead, "close", closure_type="normal") == "closed"

    html = as_user(people.shift_lead).get(reverse("web:case-detail", args=[case.number])).content.decode()
    assert [e.action for e in CaseEvent.objects.filter(case=case)] == [
        "report", "accept", "file", "dispatch", "report_fix", "check", "close"]
    for words in ["上报", "受理", "立案", "派遣", "处置反馈", "核查", "结案", "环卫所", "桃源社区", "已清运完毕",
                  "正常结案", "4 工作时"]:
        assert words in html, words
    assert Case.objects.get(pk=case.pk).photos.filter(stage="after").count() == 2
