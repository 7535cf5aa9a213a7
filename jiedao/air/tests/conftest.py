import pytest

from jiedao.air import services
from jiedao.air.models import SourceType
from jiedao.air.seeds import air_seed
from jiedao.catalogue.models import CaseRule, CatalogueItem, CatalogueKind, DeadlineUnit
from jiedao.conftest import grid_centre
from jiedao.territory.models import Organisation, OrganisationKind

# The categories the seeded source types report under, each with the rule naming its department
# (catalogue/data/case_rules.csv): 08004 工地扬尘 → D04 规划建设科, 06027 油烟污染 → D05 生态环境科.
CATEGORIES = [("08", "施工管理类", "08004", "工地扬尘", "D04", "规划建设科"),
              ("06", "市容环境类", "06027", "油烟污染", "D05", "生态环境科"),
              ("06", "市容环境类", "06020", "焚烧垃圾、树叶", "D01", None),
              ("90", "本地扩展", "90004", "燃放烟花爆竹", "D01", None)]


@pytest.fixture
def air(world):
    departments = {"D01": world.enforcement}
    for major, major_name, code, name, department, department_name in CATEGORIES:
        if department not in departments:
            departments[department] = Organisation.objects.create(kind=OrganisationKind.DEPARTMENT, code=department,
                                                                  name=department_name)
        item = CatalogueItem.objects.create(kind=CatalogueKind.MATTER, major_code=major, major_name=major_name,
                                            code=code, name=name, standard_ref="GB/T 47678.5-2026")
        CaseRule.objects.create(item=item, filing_condition=name, deadline_value=5,
                                deadline_unit=DeadlineUnit.WORKING_DAYS, closing_condition="整改到位",
                                department=departments[department], source="test")
    air_seed()
    types = {t.code: t for t in SourceType.objects.all()}
    lon, lat = grid_centre(0)
    world.site = services.source_save(code="GD-01", name="桃源安置房工地", source_type=types["construction"],
                                      longitude=lon, latitude=lat, operator="清江建工", licence_number="施许-2026-01")
    lon, lat = grid_centre(2)
    world.restaurant = services.source_save(code="CY-01", name="柳岸小馆", source_type=types["catering"],
                                            longitude=lon, latitude=lat, operator="柳岸小馆")
    world.types, world.departments = types, departments
    return world


def reading(source="GD-01", parameter="pm10", value="80", unit="μg/m³", at="2026-11-17T08:00:00+08:00",
            key="k1", **extra):
    return {"source": source, "parameter": parameter, "value": value, "unit": unit, "measured_at": at,
            "idempotency_key": key, **extra}
