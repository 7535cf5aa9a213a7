"""Discovery, the services list and service definitions, in both formats."""

import pytest

from jiedao.catalogue.models import CatalogueItem, CatalogueKind
from jiedao.open311.models import Open311Policy, ServiceAttribute
from jiedao.open311.services import open311_attributes_seed_default

from .conftest import body, errors_of

pytestmark = pytest.mark.django_db


def test_discovery_json(world, clock, caller):
    response = caller.get("discovery.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = body(response)
    assert set(document) == {"changeset", "contact", "key_service", "endpoints"}
    assert document["changeset"] == "2026-11-17T09:00:00+08:00"
    [endpoint] = document["endpoints"]
    assert endpoint == {"specification": "http://wiki.open311.org/GeoReport_v2", "url": "http://testserver/open311/v2",
                        "changeset": "2026-11-17T09:00:00+08:00", "type": "production",
                        "formats": ["text/xml", "application/json"]}


def test_discovery_xml_with_the_office_contact(world, clock, caller):
    Open311Policy.objects.create(pk=1, contact="青溪街道城管办 0571-12345678", is_test=True)
    response = caller.get("discovery.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = body(response)
    assert root.tag == "discovery"
    assert root.findtext("contact") == "青溪街道城管办 0571-12345678"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]
    assert root.findtext("endpoints/endpoint/type") == "test"
    assert root.findtext("endpoints/endpoint/url") == "http://testserver/open311/v2"


def test_services_from_active_matters_grouped_by_major_class(world, caller):
    CatalogueItem.objects.create(kind=CatalogueKind.COMPONENT, major_code="03", major_name="市容环卫设施",
                                 code="03001", name="公共厕所", standard_ref="GB/T 47678.5-2026")
    CatalogueItem.objects.create(kind=CatalogueKind.MATTER, major_code="09", major_name="街面秩序类",
                                 code="09006", name="占道经营", standard_ref="GB/T 47678.5-2026", is_active=False)
    CatalogueItem.objects.create(kind=CatalogueKind.MATTER, major_code="90", major_name="本地扩展",
                                 code="90001", name="工业废气", standard_ref="local", is_local_extension=True)
    response = caller.get("services.json")
    assert response.status_code == 200
    services = body(response)
    assert [s["service_code"] for s in services] == ["06010", "06036", "90001"]
    assert services[0] == {"service_code": "06010", "service_name": "暴露垃圾",
                           "description": "市容环境类：暴露垃圾（GB/T 47678.5-2026）", "metadata": False,
                           "type": "realtime", "keywords": "baolulaji,bllj", "group": "市容环境类"}
    assert services[2]["group"] == "本地扩展"


def test_services_xml_and_metadata_where_a_definition_exists(world, caller):
    ServiceAttribute.objects.create(item=world.item, code="amount", datatype="singlevaluelist", order=1,
                                    description="垃圾数量", values=[{"key": "pile", "name": "成堆"}])
    root = body(caller.get("services.xml"))
    assert root.tag == "services"
    by_code = {s.findtext("service_code"): s for s in root.findall("service")}
    assert by_code["06010"].findtext("metadata") == "true"
    assert by_code["06036"].findtext("metadata") == "false"
    assert [child.tag for child in by_code["06010"]] == ["service_code", "service_name", "description", "metadata",
                                                        "type", "keywords", "group"]


def _seeded(world):
    CatalogueItem.objects.create(kind=CatalogueKind.MATTER, major_code="09", major_name="街面秩序类",
                                 code="09006", name="占道经营", standard_ref="GB/T 47678.5-2026")
    return open311_attributes_seed_default()


def test_seeding_the_default_attributes_is_idempotent_and_keeps_edits(world):
    assert _seeded(world) == 4  # 3 for 占道经营, 1 for 暴露垃圾 (私搭乱建 is not in this catalogue)
    ServiceAttribute.objects.filter(code="amount").update(description="垃圾有多少")
    assert open311_attributes_seed_default() == 0
    assert ServiceAttribute.objects.get(code="amount").description == "垃圾有多少"


def test_service_definition_json(world, caller):
    _seeded(world)
    response = caller.get("services/09006.json")
    assert response.status_code == 200
    definition = body(response)
    assert definition["service_code"] == "09006"
    first, second, third = definition["attributes"]
    assert first == {"variable": True, "code": "stall_kind", "datatype": "singlevaluelist", "required": True,
                     "datatype_description": None, "order": 1, "description": "经营形式",
                     "values": [{"key": "mobile", "name": "流动摊贩"}, {"key": "fixed", "name": "固定摊点"},
                                {"key": "shopfront", "name": "店外经营（出店经营）"}]}
    assert (second["datatype"], second["required"], second["values"]) == ("number", False, [])
    assert (third["variable"], third["order"]) == (False, 3)


def test_service_definition_xml(world, caller):
    _seeded(world)
    root = body(caller.get("services/09006.xml"))
    assert root.tag == "service_definition"
    attribute = root.find("attributes/attribute")
    assert [child.tag for child in attribute] == ["variable", "code", "datatype", "required",
                                                 "datatype_description", "order", "description", "values"]
    assert attribute.findtext("required") == "true"
    assert [v.findtext("key") for v in attribute.findall("values/value")] == ["mobile", "fixed", "shopfront"]


def test_an_inactive_attribute_is_not_in_the_definition(world, caller):
    _seeded(world)
    ServiceAttribute.objects.filter(code="stall_kind").update(is_active=False)
    codes = [a["code"] for a in body(caller.get("services/09006.json"))["attributes"]]
    assert codes == ["occupied_area", "privacy_note"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_404_in_the_spec_error_body(world, caller, fmt):
    response = caller.get(f"services/99999.{fmt}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json" if fmt == "json" else "text/xml")
    assert errors_of(response) == [(404, "未知的服务代码（service_code）：99999")]


def test_errors_are_in_the_callers_language(world):
    from .conftest import Open311Caller

    response = Open311Caller(language="en").get("services/99999.json")
    assert response.status_code == 404
    assert response["Content-Language"] == "en"  # the description is translated (gettext) for this language
    assert Open311Caller().get("services/99999.json")["Content-Language"] == "zh-hans"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_jurisdiction_that_is_not_ours_is_404(world, caller, fmt):
    Open311Policy.objects.create(pk=1, jurisdiction_id="qingxi.example.gov.cn")
    assert caller.get(f"services.{fmt}", jurisdiction_id="qingxi.example.gov.cn").status_code == 200
    assert caller.get(f"services.{fmt}", jurisdiction_id="").status_code == 200  # empty = absent
    response = caller.get(f"services.{fmt}", jurisdiction_id="elsewhere.gov.cn")
    assert response.status_code == 404
    assert errors_of(response) == [(404, "未知的辖区（jurisdiction_id）：elsewhere.gov.cn")]


@pytest.mark.parametrize("path", ["discovery.xml", "services.json", "services/06010.json", "tokens/ABC.xml"])
def test_writing_to_a_read_only_endpoint_is_405(world, caller, path):
    response = caller.post(path, {"x": "1"})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert errors_of(response)[0][0] == 405


@pytest.mark.parametrize(("path", "content_type"), [("requests.yaml", "text/xml"), ("nothing.json", "application/json"),
                                                    ("v3/requests.json", "application/json")])
def test_anything_else_is_404_in_the_spec_body(world, caller, path, content_type):
    response = caller.client.get(f"/open311/{path}" if path.startswith("v3") else f"/open311/v2/{path}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith(content_type)
    assert errors_of(response)[0][0] == 404
