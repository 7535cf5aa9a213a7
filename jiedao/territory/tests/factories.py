import factory

from jiedao.territory.models import Organisation, OrganisationKind, Unit, UnitLevel
from jiedao.territory.services import grid_classes_seed_default


def square(lon: float, lat: float, size: float = 0.01) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    level = UnitLevel.SUBDISTRICT
    code = factory.Sequence(lambda n: f"440305{n:03d}")
    name = factory.Sequence(lambda n: f"单位{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.DEPARTMENT
    code = factory.Sequence(lambda n: f"D{n:02d}")
    name = factory.Sequence(lambda n: f"部门{n}")


def small_tree():
    """区 → 街道 → 片区 → 社区 → two grids side by side (0.01° squares at 120.00, 30.00 and
    120.01, 30.00); the second is 二类."""
    classes = grid_classes_seed_default()
    district = UnitFactory(level=UnitLevel.DISTRICT, code="440305", name="南山区")
    subdistrict = UnitFactory(level=UnitLevel.SUBDISTRICT, code="440305001", name="桃源街道", parent=district)
    area = UnitFactory(level=UnitLevel.AREA, code="440305001A1", name="北片", parent=subdistrict)
    community = UnitFactory(level=UnitLevel.COMMUNITY, code="440305001001", name="平山社区", parent=area)
    west = UnitFactory(level=UnitLevel.GRID, code="440305001001001", name="一网格", parent=community,
                       boundary=square(120.00, 30.00), grid_class=classes["1"])
    east = UnitFactory(level=UnitLevel.GRID, code="440305001001002", name="二网格", parent=community,
                       boundary=square(120.01, 30.00), grid_class=classes["2"])
    return district, subdistrict, area, community, west, east
