"""The problem catalogue (GB/T 47678.5 components and matters plus local extensions) and the
case rules that turn a category into a deadline, a closing condition and a default department."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedao.territory.models import GridClass, Organisation


class CatalogueKind(models.TextChoices):
    COMPONENT = "component", _("部件")
    MATTER = "matter", _("事项")
    EVENT = "event", _("事件")


class CatalogueItem(models.Model):
    kind = models.CharField(_("类型"), max_length=16, choices=CatalogueKind.choices)
    major_code = models.CharField(_("大类代码"), max_length=8)
    major_name = models.CharField(_("大类名称"), max_length=60)
    code = models.CharField(_("小类代码"), max_length=16)
    name = models.CharField(_("小类名称"), max_length=60)
    standard_ref = models.CharField(_("标准依据"), max_length=40,
                                    help_text=_("如 GB/T 47678.5-2026；本地扩展填 local"))
    is_local_extension = models.BooleanField(_("本地扩展"), default=False)
    search_text = models.CharField(_("检索词"), max_length=400, blank=True,
                                   help_text=_("名称的拼音全拼与首字母，供拼音检索"))
    is_active = models.BooleanField(_("启用"), default=True)
    # Some problems point at a person's home or livelihood (e.g. 违法建设, 占道经营): the public map
    # shows them only approximately.
    is_sensitive = models.BooleanField(_("公开时模糊位置"), default=False,
                                       help_text=_("勾选后，公众地图与公开页面只显示约 200 米范围的大致位置"))

    class Meta:
        verbose_name = _("问题分类")
        verbose_name_plural = _("问题分类")
        ordering = ["kind", "code"]
        constraints = [
            # A matter code can equal a component code (standards.md §1.4): the key includes the kind.
            models.UniqueConstraint(fields=["standard_ref", "kind", "code"], name="catalogue_item_key"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DeadlineUnit(models.TextChoices):
    # standards.md §4.1
    MINUTES = "minutes", _("分钟")
    WORKING_HOURS = "working_hours", _("工作时")
    EMERGENCY_HOURS = "emergency_hours", _("紧急工作时")
    WORKING_DAYS = "working_days", _("工作日")
    CALENDAR_DAYS = "calendar_days", _("自然日")


def deadline_value_text(value: Decimal | int | float | str) -> str:
    """A time limit's number as the tables print it: "1.5", "4", "0.25" (never "4.00" or "1E+1")."""
    number = Decimal(str(value))
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def deadline_text(value: Decimal | int | float | str, unit: str) -> str:
    """"1.5 工作时", "2 工作日": a time limit as published tables write it (standards.md §4.2)."""
    try:
        label = DeadlineUnit(unit).label
    except ValueError:
        label = unit
    return f"{deadline_value_text(value)} {label}"


class CaseRule(models.Model):
    """(category, 立案条件, grid class) → 处置时限, 结案条件, default department (CJ/T 315 template)."""

    item = models.ForeignKey(CatalogueItem, on_delete=models.CASCADE, related_name="rules",
                             verbose_name=_("问题分类"))
    filing_condition = models.CharField(_("立案条件"), max_length=300)
    grid_class = models.ForeignKey(GridClass, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="case_rules", verbose_name=_("区域类别"),
                                   help_text=_("留空表示适用于所有区域类别"))
    # Published tables have fractions (1.5 工作时, 0.5 工作日): worktime.deadlines turns the value
    # into whole minutes of the unit's kind of time.
    deadline_value = models.DecimalField(_("处置时限"), max_digits=8, decimal_places=2,
                                         validators=[MinValueValidator(Decimal("0.01"))],
                                         help_text=_("可为小数，如 1.5 工作时、0.5 工作日"))
    deadline_unit = models.CharField(_("时限单位"), max_length=16, choices=DeadlineUnit.choices)
    closing_condition = models.CharField(_("结案条件"), max_length=300)
    department = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="case_rules", verbose_name=_("默认职能部门"))
    severity = models.PositiveSmallIntegerField(_("严重程度顺序"), default=1)
    source = models.CharField(_("来源"), max_length=120, blank=True)
    seed_key = models.CharField(_("默认规则标识"), max_length=40, blank=True, db_index=True, editable=False,
                                help_text=_("由默认规则表生成；再次导入默认规则时不会覆盖已有的行"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("立案规则")
        verbose_name_plural = _("立案规则")
        ordering = ["item__code", "severity", "grid_class__order"]

    def __str__(self) -> str:
        return f"{self.item.name} · {self.filing_condition} · {self.deadline_text}"

    @property
    def deadline_text(self) -> str:
        return deadline_text(self.deadline_value, self.deadline_unit)
