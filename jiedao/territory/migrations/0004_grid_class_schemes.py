"""Grid classes become data: a scheme (一类/二类, 核心区/一般区, A/B/C …) and its classes.

The fixed 一类/二类 choices become the scheme "一类/二类" (in use) with classes "1" 一类 and "2" 二类, and
every unit keeps its class through the mapping below."""

import django.db.models.deletion
from django.db import migrations, models

DEFAULT_SCHEME = "一类/二类"
DEFAULT_CLASSES = (("1", "一类", 1), ("2", "二类", 2))


def forwards(apps, schema_editor):
    GridClassScheme = apps.get_model("territory", "GridClassScheme")
    GridClass = apps.get_model("territory", "GridClass")
    Unit = apps.get_model("territory", "Unit")
    scheme, _created = GridClassScheme.objects.get_or_create(
        name=DEFAULT_SCHEME, defaults={"is_in_use": not GridClassScheme.objects.filter(is_in_use=True).exists()})
    for code, name, order in DEFAULT_CLASSES:
        grid_class, _created = GridClass.objects.get_or_create(scheme=scheme, code=code,
                                                               defaults={"name": name, "order": order})
        Unit.objects.filter(grid_class_code=code).update(grid_class=grid_class)


def backwards(apps, schema_editor):
    Unit = apps.get_model("territory", "Unit")
    for unit in Unit.objects.exclude(grid_class=None).select_related("grid_class"):
        code = unit.grid_class.code
        Unit.objects.filter(pk=unit.pk).update(grid_class_code=code if code in ("1", "2") else "")


class Migration(migrations.Migration):

    dependencies = [
        ("territory", "0003_role_supervisor"),
    ]

    operations = [
        migrations.CreateModel(
            name="GridClassScheme",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=60, unique=True, verbose_name="名称")),
                ("is_in_use", models.BooleanField(default=False, help_text="同一时间只使用一个分类方案；选用后其他方案自动停用",
                                                  verbose_name="本街道使用")),
            ],
            options={
                "verbose_name": "区域类别方案",
                "verbose_name_plural": "区域类别方案",
                "ordering": ["-is_in_use", "name"],
                "constraints": [models.UniqueConstraint(condition=models.Q(("is_in_use", True)), fields=("is_in_use",),
                                                        name="grid_class_scheme_one_in_use")],
            },
        ),
        migrations.CreateModel(
            name="GridClass",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(help_text="导入网格和考评分值表按代码识别类别，如 1、2、A、core", max_length=16,
                                          verbose_name="代码")),
                ("name", models.CharField(max_length=30, verbose_name="名称")),
                ("order", models.PositiveSmallIntegerField(default=1, help_text="1 为最严格的类别", verbose_name="顺序")),
                ("scheme", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="classes",
                                             to="territory.gridclassscheme", verbose_name="分类方案")),
            ],
            options={
                "verbose_name": "区域类别",
                "verbose_name_plural": "区域类别",
                "ordering": ["scheme", "order", "code"],
                "constraints": [
                    models.UniqueConstraint(fields=("scheme", "code"), name="grid_class_code_per_scheme"),
                    models.UniqueConstraint(fields=("scheme", "name"), name="grid_class_name_per_scheme"),
                ],
            },
        ),
        migrations.RenameField(model_name="unit", old_name="grid_class", new_name="grid_class_code"),
        migrations.AddField(
            model_name="unit",
            name="grid_class",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="units", to="territory.gridclass", verbose_name="区域类别"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="unit", name="grid_class_code"),
    ]
