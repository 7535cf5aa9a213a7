"""The kinds of issue 13 point 5, as rows the office extends or switches off in the admin."""

from django.db import migrations

KINDS = [
    ("road_repair", "道路修缮", "基础设施"),
    ("road_widening", "道路拓宽", "基础设施"),
    ("markings", "标线标识", "基础设施"),
    ("dead_end_road", "断头路打通", "基础设施"),
    ("water_supply", "供水", "基础设施"),
    ("power_supply", "供电", "基础设施"),
    ("gas_supply", "供气", "基础设施"),
    ("school", "学校", "公共服务"),
    ("health", "卫生", "公共服务"),
    ("culture_sports", "文体", "公共服务"),
    ("elderly_care", "养老", "公共服务"),
    ("ecological_restoration", "生态修复", "整治"),
    ("environment_remediation", "环境整治", "整治"),
]


def seed(apps, schema_editor):
    ProjectKind = apps.get_model("projects", "ProjectKind")
    for order, (code, name, group) in enumerate(KINDS, start=1):
        ProjectKind.objects.get_or_create(code=code, defaults={"name": name, "group": group, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
