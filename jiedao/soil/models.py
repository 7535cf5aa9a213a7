"""Soil monitoring (issue 13 point 4; standards.md §8 "Soil"): land-use classes, the limits that
apply to them (GB 15618-2018 农用地 by pH band, GB 36600-2018 建设用地 第一类/第二类) as data an
administrator edits, monitoring points, samples and their measured values, remediation projects.

The seeded limits are from memory (standards.md §10): each row says so (`is_confirmed` false, its
source named) until the office confirms it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedao.territory.models import Organisation, Unit


class Parameter(models.TextChoices):
    CADMIUM = "Cd", _("镉")
    MERCURY = "Hg", _("汞")
    ARSENIC = "As", _("砷")
    LEAD = "Pb", _("铅")
    CHROMIUM = "Cr", _("铬")
    CHROMIUM_VI = "Cr6", _("六价铬")
    COPPER = "Cu", _("铜")
    NICKEL = "Ni", _("镍")
    ZINC = "Zn", _("锌")


class Level(models.TextChoices):
    """Where a value stands against its limit (GB 15618 / GB 36600: 筛选值 and 管制值)."""

    BELOW_SCREENING = "below_screening", _("不超过筛选值")
    ABOVE_SCREENING = "above_screening", _("超过筛选值")
    ABOVE_CONTROL = "above_control", _("超过管制值")
    NO_LIMIT = "no_limit", _("无适用限值")


class LandUseClass(models.Model):
    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    standard = models.CharField(_("依据标准"), max_length=64)
    # Farmland limits depend on the sample's pH (GB 15618-2018); a farmland sample needs its pH.
    is_farmland = models.BooleanField(_("农用地（限值按 pH 分档）"), default=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("用地类别")
        verbose_name_plural = _("用地类别")

    def __str__(self) -> str:
        return self.name


class SoilLimit(models.Model):
    """One parameter's 筛选值 and 管制值 for a land-use class, in mg/kg; for farmland within a pH band
    ph_above < pH ≤ ph_up_to (an open end is none)."""

    land_use_class = models.ForeignKey(LandUseClass, on_delete=models.CASCADE, related_name="limits",
                                       verbose_name=_("用地类别"))
    parameter = models.CharField(_("项目"), max_length=8, choices=Parameter.choices)
    ph_above = models.DecimalField(_("pH 大于"), max_digits=4, decimal_places=2, null=True, blank=True)
    ph_up_to = models.DecimalField(_("pH 不大于"), max_digits=4, decimal_places=2, null=True, blank=True)
    screening_value = models.DecimalField(_("筛选值（mg/kg）"), max_digits=12, decimal_places=3)
    control_value = models.DecimalField(_("管制值（mg/kg）"), max_digits=12, decimal_places=3, null=True, blank=True)
    source = models.CharField(_("来源"), max_length=200)
    is_confirmed = models.BooleanField(_("街道已确认"), default=False)

    class Meta:
        ordering = ["land_use_class", "parameter", "ph_above"]
        verbose_name = _("土壤限值")
        verbose_name_plural = _("土壤限值")
        constraints = [
            # one limit per class, parameter and pH band; a class without bands (ph_above empty) once
            # per parameter — two partial constraints, which SQLite and PostgreSQL both enforce
            models.UniqueConstraint(fields=["land_use_class", "parameter", "ph_above"], name="soil_limit_once",
                                    condition=models.Q(ph_above__isnull=False)),
            models.UniqueConstraint(fields=["land_use_class", "parameter"], name="soil_limit_once_unbanded",
                                    condition=models.Q(ph_above__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.land_use_class} {self.parameter}"


class MonitoringPoint(models.Model):
    code = models.CharField(_("点位编号"), max_length=32, unique=True)
    name = models.CharField(_("点位名称"), max_length=100)
    longitude = models.FloatField(_("经度（WGS-84）"))
    latitude = models.FloatField(_("纬度（WGS-84）"))
    grid = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="soil_points",
                             verbose_name=_("所在单元网格"))
    territory_path = models.CharField(_("属地路径"), max_length=255, editable=False, db_index=True)
    land_use_class = models.ForeignKey(LandUseClass, on_delete=models.PROTECT, related_name="points",
                                       verbose_name=_("用地类别"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("土壤监测点位")
        verbose_name_plural = _("土壤监测点位")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SoilSample(models.Model):
    point = models.ForeignKey(MonitoringPoint, on_delete=models.CASCADE, related_name="samples",
                              verbose_name=_("点位"))
    sampled_on = models.DateField(_("采样日期"))
    sampled_by = models.CharField(_("采样单位/人员"), max_length=100)
    ph = models.DecimalField(_("pH"), max_digits=4, decimal_places=2, null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("录入人"))
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        ordering = ["-sampled_on", "-pk"]
        verbose_name = _("土壤样品")
        verbose_name_plural = _("土壤样品")
        indexes = [models.Index(fields=["point", "-sampled_on"], name="soil_sample_latest_idx")]

    def __str__(self) -> str:
        return f"{self.point.code} {self.sampled_on}"


class SampleValue(models.Model):
    sample = models.ForeignKey(SoilSample, on_delete=models.CASCADE, related_name="values", verbose_name=_("样品"))
    parameter = models.CharField(_("项目"), max_length=8, choices=Parameter.choices)
    value = models.DecimalField(_("测定值（原单位）"), max_digits=14, decimal_places=6)
    unit = models.CharField(_("原单位"), max_length=16)
    value_mg_per_kg = models.DecimalField(_("测定值（mg/kg）"), max_digits=14, decimal_places=6)
    level = models.CharField(_("评价"), max_length=20, choices=Level.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("案件"))

    class Meta:
        ordering = ["sample", "parameter"]
        verbose_name = _("测定值")
        verbose_name_plural = _("测定值")
        constraints = [models.UniqueConstraint(fields=["sample", "parameter"], name="soil_value_once")]

    def __str__(self) -> str:
        return f"{self.parameter} {self.value} {self.unit}"


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    UNDERWAY = "underway", _("实施中")
    DONE = "done", _("已完成")
    SUSPENDED = "suspended", _("暂停")


class RemediationProject(models.Model):
    point = models.ForeignKey(MonitoringPoint, on_delete=models.CASCADE, related_name="projects",
                              verbose_name=_("点位"))
    name = models.CharField(_("项目名称"), max_length=120)
    department = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("责任部门"))
    started_on = models.DateField(_("开工日期"))
    planned_end_on = models.DateField(_("计划完工日期"))
    status = models.CharField(_("状态"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("修复治理项目")
        verbose_name_plural = _("修复治理项目")

    def __str__(self) -> str:
        return self.name
