"""Demo soil monitoring: ten points over the villages and communities (farmland in the villages,
construction land in the communities), two samples each (seven months ago, and within the last six
weeks, the first points this month); a few values above the 筛选值 and one above
the 管制值 (left flagged, not a case: the demo's case numbers belong to the replay, which a reset renumbers from 1), and two remediation projects."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from shapely.geometry import shape

from jiedao import clock
from jiedao.soil import services
from jiedao.soil.models import LandUseClass, MonitoringPoint, ProjectStatus, RemediationProject
from jiedao.territory.models import Organisation, OrganisationKind, Unit, UnitLevel

POINTS = 10
# (parameter, value, unit) per point index for the latest sample; the rest are background values.
BACKGROUND = [("Cd", "0.12", "mg/kg"), ("Hg", "0.08", "mg/kg"), ("As", "9.5", "mg/kg"), ("Pb", "31", "mg/kg"),
              ("Cu", "24", "mg/kg"), ("Ni", "28", "mg/kg"), ("Zn", "76", "mg/kg")]
LATEST_OVERRIDES = {
    1: [("Cd", "0.45", "mg/kg")],  # farmland, pH 6.0: above 筛选值 0.3
    3: [("Pb", "150", "mg/kg"), ("Cd", "420", "μg/kg")],  # farmland, pH 6.0: Pb above 90, Cd 0.42 above 0.3
    5: [("Cd", "2.6", "mg/kg")],  # farmland, pH 6.0: above 管制值 2.0 → a case
    6: [("As", "35", "mg/kg")],  # construction land class 1: above 筛选值 20
}


def demo_soil_seed() -> str:
    services.soil_limits_seed()
    if MonitoringPoint.objects.filter(code__startswith="TR-").exists():
        return "soil: demo points already there, nothing to do"
    admin = get_user_model().objects.filter(username="admin").first()
    grids = list(Unit.objects.filter(level=UnitLevel.GRID, is_active=True).exclude(boundary=None)
                 .select_related("parent").order_by("code"))
    if admin is None or not grids:
        return "soil: no demo territory, nothing to do"
    classes = {c.code: c for c in LandUseClass.objects.all()}
    step = max(1, len(grids) // POINTS)
    today = clock.now().date()
    written = 0
    points = []
    for index, grid in enumerate(grids[::step][:POINTS]):
        centre = shape(grid.boundary).representative_point()
        village = grid.parent is not None and grid.parent.name.endswith("村")
        land_use = classes["farmland"] if village or index in (1, 3, 5) else (
            classes["construction_1"] if index % 2 == 0 else classes["construction_2"])
        point = services.point_save(code=f"TR-{index + 1:02d}", name=f"{grid.parent.name}土壤监测点{index + 1}",
                                    longitude=centre.x, latitude=centre.y, land_use_class=land_use)
        points.append(point)
        # The earlier round seven months ago; the latest spread over the last six weeks, the first
        # points sampled this month (the leaders' page counts the period's samples).
        latest = dict((p, (v, u)) for p, v, u in LATEST_OVERRIDES.get(index, []))
        for days_ago, overrides in ((210, {}), (min(index * 4, 42), latest)):
            measured = dict((p, (v, u)) for p, v, u in BACKGROUND)
            measured.update(overrides)
            if not land_use.is_farmland:
                measured.pop("Zn")
            services.sample_record(
                by=admin, point_code=point.code, sampled_on=today - timedelta(days=days_ago),
                sampled_by="区环境监测站", ph="6.0", today=today, report_cases=False,
                values=[services.MeasuredValue(parameter=p, value=v, unit=u) for p, (v, u) in measured.items()])
            written += 1
    department = Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT).order_by("code").first()
    RemediationProject.objects.create(point=points[5], name="镉污染农田安全利用", department=department,
                                      started_on=today - timedelta(days=20), planned_end_on=today + timedelta(days=340),
                                      status=ProjectStatus.UNDERWAY)
    RemediationProject.objects.create(point=points[6], name="地块风险评估与管控", department=department,
                                      started_on=today + timedelta(days=30), planned_end_on=today + timedelta(days=200),
                                      status=ProjectStatus.PLANNED)
    return f"soil: {len(points)} points, {written} samples, 2 remediation projects"
