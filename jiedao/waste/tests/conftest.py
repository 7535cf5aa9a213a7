from datetime import date
from types import SimpleNamespace

import pytest

from jiedao.conftest import grid_centre
from jiedao.waste.models import Facility, FacilityKind, WasteSupervisor
from jiedao.waste.services import point_save, waste_seed

TODAY = date(2026, 11, 17)


@pytest.fixture
def waste(world, django_user_model):
    waste_seed()
    lon, lat = grid_centre(0)
    point = point_save(code="P001", name="桃源一区投放点", longitude=lon, latitude=lat, households=300,
                       bins={"kitchen": (2, "good"), "residual": (2, "damaged")})
    lon2, lat2 = grid_centre(1)
    unsorted = point_save(code="P002", name="桃源二区投放点", longitude=lon2, latitude=lat2, households=100,
                          is_sorting=False)
    lon3, lat3 = grid_centre(2)
    liuan_point = point_save(code="P101", name="柳岸投放点", longitude=lon3, latitude=lat3, households=200)
    incinerator = Facility.objects.create(code="F01", name="焚烧发电厂", kind=FacilityKind.TREATMENT,
                                          is_resource_recovery=True, is_harmless=True, longitude=lon, latitude=lat)
    landfill = Facility.objects.create(code="F02", name="填埋场", kind=FacilityKind.TREATMENT,
                                       is_harmless=True, longitude=lon, latitude=lat)
    station = Facility.objects.create(code="T01", name="转运站", kind=FacilityKind.TRANSFER, longitude=lon,
                                      latitude=lat)
    guide = django_user_model.objects.create_user(username="guide", password="pass-1234", full_name="督导员小林")
    WasteSupervisor.objects.create(user=guide, community=world.taoyuan)
    return SimpleNamespace(point=point, unsorted=unsorted, liuan_point=liuan_point, incinerator=incinerator,
                           landfill=landfill, station=station, guide=guide)
