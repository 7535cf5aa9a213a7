"""A time limit may be fractional (1.5 工作时, standards.md §4.2), and a rule names a grid class of a
scheme (territory 0004) instead of the fixed 一类/二类: existing values are kept (4 → 4.00) and the
rules for "1"/"2" name the classes "1" 一类 and "2" 二类 of the "一类/二类" scheme."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


def forwards(apps, schema_editor):
    GridClass = apps.get_model("territory", "GridClass")
    CaseRule = apps.get_model("catalogue", "CaseRule")
    for grid_class in GridClass.objects.filter(scheme__name="一类/二类", code__in=["1", "2"]):
        CaseRule.objects.filter(grid_class_code=grid_class.code).update(grid_class=grid_class)


def backwards(apps, schema_editor):
    CaseRule = apps.get_model("catalogue", "CaseRule")
    for rule in CaseRule.objects.exclude(grid_class=None).select_related("grid_class"):
        code = rule.grid_class.code
        CaseRule.objects.filter(pk=rule.pk).update(grid_class_code=code if code in ("1", "2") else "")


class Migration(migrations.Migration):

    dependencies = [
        ("catalogue", "0002_sensitive_category"),
        ("territory", "0004_grid_class_schemes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="caserule",
            name="deadline_value",
            field=models.DecimalField(decimal_places=2, help_text="可为小数，如 1.5 工作时、0.5 工作日", max_digits=8,
                                      validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
                                      verbose_name="处置时限"),
        ),
        migrations.RenameField(model_name="caserule", old_name="grid_class", new_name="grid_class_code"),
        migrations.AddField(
            model_name="caserule",
            name="grid_class",
            field=models.ForeignKey(blank=True, help_text="留空表示适用于所有区域类别", null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="case_rules",
                                    to="territory.gridclass", verbose_name="区域类别"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="caserule", name="grid_class_code"),
        migrations.AlterModelOptions(
            name="caserule",
            options={"ordering": ["item__code", "severity", "grid_class__order"], "verbose_name": "立案规则",
                     "verbose_name_plural": "立案规则"},
        ),
    ]
