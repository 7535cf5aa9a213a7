"""Greening (issue 13 point 2): plantings by kind (见缝插绿 / 拆违还绿 / 破硬植绿 / 补植), their
survival checks, and the policy (check intervals, the survival threshold) as editable data."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedao.territory.models import Organisation, Unit


class PlantingKind(models.TextChoices):
    INFILL = "infill", _("见缝插绿")
    DEMOLITION = "demolition", _("拆违还绿")
    DEPAVING = "depaving", _("破硬植绿")
    REPLANTING = "replanting", _("补植")


class Planting(models.Model):
    """One planting: an area (m²) or a count of trees, where (a GeoJSON point or polygon, WGS-84),
    when, by whom it is kept. `community` and `territory_path` come from the grid locator."""

    kind = models.CharField(_("类型"), max_length=16, choices=PlantingKind.choices)
    area_m2 = models.DecimalField(_("面积（平方米）"), max_digits=10, decimal_places=1, null=True, blank=True,
                                  validators=[MinValueValidator(Decimal(0))])
    count = models.PositiveIntegerField(_("株数"), null=True, blank=True)
    species = models.CharField(_("树种"), max_length=100)
    geometry = models.JSONField(_("位置（GeoJSON，WGS-84）"))
    community = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="plantings",
                                  verbose_name=_("社区（村）"))
    territory_path = models.CharField(_("属地路径"), max_length=255, db_index=True)
    planted_on = models.DateField(_("种植日期"))
    responsible_unit = models.CharField(_("责任单位"), max_length=100)
    maintainer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="plantings",
                                   verbose_name=_("养护单位"))
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="plantings", verbose_name=_("关联案件（拆违）"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("录入人"))
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("种植记录")
        verbose_name_plural = _("种植记录")
        ordering = ["-planted_on", "-pk"]
        indexes = [models.Index(fields=["territory_path", "planted_on"], name="planting_area_by_period")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.species} · {self.planted_on}"

    @property
    def planted_quantity(self) -> Decimal | None:
        """What survival is measured against: the count when there is one, else the area."""
        if self.count is not None:
            return Decimal(self.count)
        return self.area_m2


class SurvivalCheck(models.Model):
    planting = models.ForeignKey(Planting, on_delete=models.CASCADE, related_name="checks",
                                 verbose_name=_("种植记录"))
    checked_on = models.DateField(_("检查日期"))
    surviving = models.DecimalField(_("成活数量（株或平方米）"), max_digits=10, decimal_places=1,
                                    validators=[MinValueValidator(Decimal(0))])
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("检查人"))
    note = models.CharField(_("备注"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("成活检查")
        verbose_name_plural = _("成活检查")
        ordering = ["planting", "-checked_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.planting_id} · {self.checked_on}"


class GreeningPolicy(models.Model):
    """The office's rules, as data: when survival is checked and below what rate replanting is due."""

    check_days = models.CharField(_("种植后检查天数"), max_length=100, default="30,90",
                                  help_text=_("以逗号分隔，如“30,90”"))
    autumn_month = models.PositiveSmallIntegerField(_("每年秋季检查月份"), default=10,
                                                    validators=[MinValueValidator(1), MaxValueValidator(12)])
    survival_threshold = models.DecimalField(_("成活率阈值（%）"), max_digits=4, decimal_places=1,
                                             default=Decimal(85),
                                             validators=[MinValueValidator(Decimal(0)),
                                                         MaxValueValidator(Decimal(100))])

    class Meta:
        verbose_name = _("绿化养护规则")
        verbose_name_plural = _("绿化养护规则")

    def __str__(self) -> str:
        return str(_("绿化养护规则"))

    @property
    def intervals(self) -> list[int]:
        return sorted({int(part) for part in self.check_days.replace("，", ",").split(",") if part.strip().isdigit()})
