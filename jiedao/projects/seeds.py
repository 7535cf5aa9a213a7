"""The kinds of issue 13 point 5 (code, name, group), seeded by migration 0002 and by
`project_kinds_seed` — which the demo and the tests call, since a test that flushes the database
(`transactional_db`) empties what a migration wrote. The office extends or switches them off in the admin."""

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


def project_kinds_seed() -> int:
    """Adds the kinds that are missing (a kind the office changed is left as it is); returns how many."""
    from .models import ProjectKind

    created = 0
    for order, (code, name, group) in enumerate(KINDS, start=1):
        created += ProjectKind.objects.get_or_create(code=code, defaults={"name": name, "group": group,
                                                                          "order": order * 10})[1]
    return created
