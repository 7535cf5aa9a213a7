from types import SimpleNamespace

import pytest

from jiedao.addresses.models import PlaceKind
from jiedao.addresses.services import house_number_save, place_save, road_save
from jiedao.conftest import CELL, ORIGIN_LAT, ORIGIN_LON


def at(column: float, row: float = 0.5) -> tuple[float, float]:
    """A point `column` grids east of the origin (world's grids are CELL-wide squares in a row)."""
    return ORIGIN_LON + column * CELL, ORIGIN_LAT + row * CELL


@pytest.fixture
def register(world):
    """桃源路 across grids 0 and 1 with 8, 80, 86, 88, 88-1 号; 桃源新村 and its 3栋 at 88号;
    桃花弄 in grid 1; 柳岸街 12 号 in grid 2."""
    taoyuan = road_save(name="桃源路", aliases="桃园路", line={"type": "LineString", "coordinates": [
        [at(0.1)[0], at(0.1)[1]], [at(1.9)[0], at(1.9)[1]]]})
    lane = road_save(name="桃花弄", line={"type": "LineString", "coordinates": [
        [at(1.2)[0], ORIGIN_LAT + 0.1 * CELL], [at(1.2)[0], ORIGIN_LAT + 0.9 * CELL]]})
    liuan = road_save(name="柳岸街", line={"type": "LineString", "coordinates": [
        [at(2.1)[0], at(2.1)[1]], [at(2.9)[0], at(2.9)[1]]]})

    def house(road, number, column, sub_number="", **extra):
        lon, lat = at(column)
        return house_number_save(road=road, number=number, sub_number=sub_number, longitude=lon, latitude=lat,
                                 **extra)

    houses = SimpleNamespace(
        h8=house(taoyuan, 8, 1.1), h80=house(taoyuan, 80, 1.3), h86=house(taoyuan, 86, 0.4),
        h88=house(taoyuan, 88, 0.5, building_name="桃源新村"), h88_1=house(taoyuan, 88, 0.55, sub_number="1"),
        lane3=house(lane, 3, 1.2), liuan12=house(liuan, 12, 2.5),
    )
    estate = place_save(name="桃源新村", kind=PlaceKind.ESTATE, house_number=houses.h88,
                        longitude=houses.h88.longitude, latitude=houses.h88.latitude)
    block = place_save(name="3栋", kind=PlaceKind.BUILDING, house_number=houses.h88,
                       longitude=houses.h88.longitude + 0.0002, latitude=houses.h88.latitude)
    school = place_save(name="青溪小学", kind=PlaceKind.SCHOOL, aliases="青溪一小", longitude=at(3.5)[0],
                        latitude=at(3.5)[1])
    return SimpleNamespace(taoyuan=taoyuan, lane=lane, liuan=liuan, estate=estate, block=block, school=school,
                           **vars(houses))
