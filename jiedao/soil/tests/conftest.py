import pytest

from jiedao.conftest import grid_centre
from jiedao.soil import services
from jiedao.soil.models import LandUseClass
from jiedao.territory.models import Duty, Role


@pytest.fixture
def soil(world, django_user_model):
    services.soil_limits_seed()
    classes = {c.code: c for c in LandUseClass.objects.all()}
    farm = services.point_save(code="TR-01", name="桃源农田", longitude=grid_centre(0)[0],
                               latitude=grid_centre(0)[1], land_use_class=classes["farmland"])
    site = services.point_save(code="LA-01", name="柳岸地块", longitude=grid_centre(2)[0],
                               latitude=grid_centre(2)[1], land_use_class=classes["construction_1"])
    admin = django_user_model.objects.create_user(username="sysadmin", password="pass-1234", full_name="系统管理员")
    Duty.objects.create(user=admin, role=Role.SYSTEM_ADMIN, unit=world.subdistrict)
    world.people.system_admin = admin
    world.farm, world.site, world.classes = farm, site, classes
    return world
