"""The little world both fuzzers run against (.ci/fuzz-open311, .ci/fuzz-api): two grids, the
people of the loop, published cases in many states, one waiting for intake, a merged duplicate, a
public after-photo; an Open311 client key and an API key of a staff person who holds the office's
duties (intake, filing, dispatch, leading), written into the folder given as the argument."""
# ruff: noqa: E402, T201 (a script: Django is set up before the models are imported; it reports by printing)
import io
import sys
from pathlib import Path

import django

django.setup()
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jiedao.api.services import api_token_issue
from jiedao.cases import services
from jiedao.cases.models import CaseSource
from jiedao.catalogue.models import CatalogueItem
from jiedao.open311.services import open311_client_issue
from jiedao.territory.models import Duty, Organisation, Role, Unit, UnitLevel
from jiedao.territory.services import grid_classes_seed_default


def square(lon, lat, size=0.01):
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def photo():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


district = Unit.objects.create(level=UnitLevel.DISTRICT, code="330199", name="清江区")
subdistrict = Unit.objects.create(parent=district, level=UnitLevel.SUBDISTRICT, code="330199001", name="青溪街道")
community = Unit.objects.create(parent=subdistrict, level=UnitLevel.COMMUNITY, code="330199001001", name="桃源社区")
first_class = grid_classes_seed_default()["1"]
grids = [Unit.objects.create(parent=community, level=UnitLevel.GRID, code=f"330199001001{n:03d}",
                             name=f"桃源社区第{n}网格", boundary=square(120.11 + n * 0.01, 30.22),
                             grid_class=first_class) for n in (1, 2)]
cleaning = Organisation.objects.get(code="D02")
users = get_user_model().objects


def person(username, role, unit=None, organisation=None):
    user = users.create_user(username=username, password="fuzz-not-a-secret", full_name=username)
    Duty.objects.create(user=user, role=role, unit=unit, organisation=organisation)
    return user


clerk = person("clerk", Role.INTAKE_CLERK, subdistrict)
lead = person("lead", Role.SHIFT_LEAD, subdistrict)
dispatcher = person("dispatcher", Role.DISPATCHER, subdistrict)
handler = person("handler", Role.DEPARTMENT_HANDLER, organisation=cleaning)
inspector = person("inspector", Role.INSPECTOR, community)
garbage = CatalogueItem.objects.get(kind="matter", code="06010", standard_ref__startswith="GB/T")


def case(n, state, **extra):
    # inside the grids, around the point of the OpenAPI examples (120.125, 30.225)
    made = services.case_report(by=None, source=CaseSource.RESIDENT, item=garbage, longitude=120.125 + (n % 2) * 0.01,
                                latitude=30.225, description=f"路口成堆垃圾 {n}", address=f"桃源路 {n} 号",
                                reporter_name="李四", reporter_phone="13912345678", **extra)
    steps = [("accepted", lambda c: services.case_accept(case=c, by=clerk)),
             ("filed", lambda c: services.case_file(case=c, by=lead)),
             ("handling", lambda c: services.case_dispatch(case=c, by=dispatcher, department=cleaning)),
             ("fixed", lambda c: services.case_report_fix(case=c, by=handler, opinion="已清运", photos=[photo()])),
             ("checked", lambda c: services.case_check(case=c, by=inspector, passed=True)),
             ("closed", lambda c: services.case_close(case=c, by=lead))]
    for name, step in steps:
        if state == "reported":
            break
        made = step(made)
        if name == state:
            break
    return made


cases = [case(n, state) for n, state in enumerate(
    ["reported", "accepted", "filed", "handling", "fixed", "checked", "closed", "closed"], start=1)]
services.case_merge(case=case(9, "accepted"), into=cases[1], by=clerk, reason="重复")
services.case_void(case=case(10, "accepted"), by=lead, reason="不属实")
services.case_photo_publish(photo=cases[4].photos.get(stage="after"), by=clerk, public=True)
folder = Path(sys.argv[1])
_client, key = open311_client_issue(name="schemathesis")
(folder / "open311.key").write_text(key)
staff = person("staff", Role.INTAKE_CLERK, subdistrict)
for role in (Role.SHIFT_LEAD, Role.DISPATCHER, Role.LEADER):
    Duty.objects.create(user=staff, role=role, unit=subdistrict)
_token, key = api_token_issue(user=staff, name="schemathesis")
(folder / "api.key").write_text(key)
(folder / "case").write_text(cases[3].number)  # in handling: most actions can be tried on it
print(f"fuzz: {len(cases) + 2} cases, keys issued")
