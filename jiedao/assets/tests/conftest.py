"""The register's test world: three component classes of GB/T 47678.5, assets in 桃源社区第1网格
(grid 0 of the shared world) kept by 环卫所 (world.cleaning), one in 柳岸社区 kept by 城管执法中队."""

from types import SimpleNamespace

import pytest

from jiedao.assets.models import AssetState
from jiedao.assets.services import asset_save
from jiedao.catalogue.models import CatalogueItem, CatalogueKind
from jiedao.conftest import grid_centre

REGION = "330199"


def component(code: str, name: str, major: str = "01", major_name: str = "市政公用设施") -> CatalogueItem:
    return CatalogueItem.objects.create(kind=CatalogueKind.COMPONENT, major_code=major, major_name=major_name,
                                        code=code, name=name, standard_ref="GB/T 47678.5-2026")


def identifier(item: CatalogueItem, sequence: int) -> str:
    return f"{REGION}{item.code}{sequence:06d}"


@pytest.fixture
def register(world):
    light = component("01037", "路灯")
    manhole = component("01002", "污水井盖")
    bin_ = component("03005", "垃圾箱", "03", "市容环卫设施")
    lon, lat = grid_centre(0)
    admin = world.people.leader

    def asset(item, sequence, east_m=0.0, column=0, maintainer=None, **extra):
        x, y = grid_centre(column)
        return asset_save(by=admin, identifier=identifier(item, sequence), item=item,
                          longitude=x + east_m / 96_400, latitude=y, maintainer=maintainer or world.cleaning,
                          **extra)

    return SimpleNamespace(
        light=light, manhole=manhole, bin=bin_, point=(lon, lat), make=asset,
        lamp=asset(light, 1), lamp_20m=asset(light, 2, east_m=20), manhole_40m=asset(manhole, 1, east_m=40),
        bin_far=asset(bin_, 1, east_m=300), removed=asset(light, 3, east_m=5, state=AssetState.REMOVED),
        liuan_lamp=asset(light, 4, column=2, maintainer=world.enforcement),
    )
