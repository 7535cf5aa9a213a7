"""Air-pollution sources (issue 13 point 3; standards.md §8): the register of sources by type, the
limits that apply to a type and parameter (editable data, seeded from memory and unconfirmed per
standards.md §10), readings kept raw with their conversion to mg/m³ and a daily rollup for the
month figures, site checks on a checklist version, and the seasonal ban windows (露天焚烧, 烟花爆竹)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedao.catalogue.models import CatalogueItem
from jiedao.territory.models import Unit


class Parameter(models.TextChoices):
    PM10 = "pm10", "PM10"
    PM25 = "pm25", "PM2.5"
    TSP = "tsp", _("总悬浮颗粒物")
    FUME = "fume", _("油烟")
    PARTICULATE = "particulate", _("颗粒物（排口）")


class SourceType(models.Model):
    """工业废气, 建筑工地扬尘, 道路扬尘, 餐饮油烟, 露天焚烧 hot spots, 烟花爆竹禁放区: as data. The case
    category names the catalogue rule, and so the department a case is dispatched to (职责清单)."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    category = models.ForeignKey(CatalogueItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("立案问题分类"))
    checklist_code = models.CharField(_("现场检查细则代码"), max_length=64, blank=True)
    # A hot spot or ban zone rather than an emitter: reports near it in a ban window are violations.
    is_ban_zone = models.BooleanField(_("禁止区域（禁烧点、禁放区）"), default=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("污染源类型")
        verbose_name_plural = _("污染源类型")

    def __str__(self) -> str:
        return self.name


class AirLimit(models.Model):
    """The limit of one parameter for one source type, in mg/m³; a reading above it is an exceedance."""

    source_type = models.ForeignKey(SourceType, on_delete=models.CASCADE, related_name="limits",
                                    verbose_name=_("污染源类型"))
    parameter = models.CharField(_("监测项目"), max_length=16, choices=Parameter.choices)
    limit_mg_m3 = models.DecimalField(_("限值（mg/m³）"), max_digits=12, decimal_places=4)
    source = models.CharField(_("来源"), max_length=200)
    is_confirmed = models.BooleanField(_("街道已确认"), default=False)

    class Meta:
        ordering = ["source_type", "parameter"]
        verbose_name = _("排放限值")
        verbose_name_plural = _("排放限值")
        constraints = [models.UniqueConstraint(fields=["source_type", "parameter"], name="air_limit_once")]

    def __str__(self) -> str:
        return f"{self.source_type} {self.get_parameter_display()} {self.limit_mg_m3}"


class PollutionSource(models.Model):
    code = models.CharField(_("编号"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    source_type = models.ForeignKey(SourceType, on_delete=models.PROTECT, related_name="sources",
                                    verbose_name=_("类型"))
    operator = models.CharField(_("经营/建设单位"), max_length=100, blank=True)
    contact = models.CharField(_("负责人"), max_length=50, blank=True)
    licence_number = models.CharField(_("许可证号"), max_length=64, blank=True)
    licence_valid_until = models.DateField(_("许可有效期至"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    longitude = models.FloatField(_("经度（WGS-84）"))
    latitude = models.FloatField(_("纬度（WGS-84）"))
    radius_m = models.PositiveIntegerField(_("范围半径（米）"), default=0)
    grid = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="air_sources",
                             verbose_name=_("所在单元网格"))
    territory_path = models.CharField(_("属地路径"), max_length=255, editable=False, db_index=True)
    is_active = models.BooleanField(_("在册"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("大气污染源")
        verbose_name_plural = _("大气污染源")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Reading(models.Model):
    """One reading as it came (value and unit kept), converted to mg/m³ and judged against the limit
    in force when it arrived. Never updated; the idempotency key makes a retried post count once."""

    source = models.ForeignKey(PollutionSource, on_delete=models.CASCADE, related_name="readings",
                               verbose_name=_("污染源"))
    monitor = models.CharField(_("监测设备"), max_length=64, blank=True)
    parameter = models.CharField(_("监测项目"), max_length=16, choices=Parameter.choices)
    value = models.DecimalField(_("测定值（原单位）"), max_digits=16, decimal_places=6)
    unit = models.CharField(_("原单位"), max_length=16)
    value_mg_m3 = models.DecimalField(_("测定值（mg/m³）"), max_digits=16, decimal_places=6)
    limit_mg_m3 = models.DecimalField(_("限值（mg/m³）"), max_digits=12, decimal_places=4, null=True, blank=True)
    is_exceedance = models.BooleanField(_("超标"), default=False)
    measured_at = models.DateTimeField(_("监测时间"))
    idempotency_key = models.CharField(_("幂等键"), max_length=64, unique=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                                    verbose_name=_("录入人"))
    received_at = models.DateTimeField(_("接收时间"))
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("案件"))

    class Meta:
        ordering = ["-measured_at", "-pk"]
        verbose_name = _("监测数据")
        verbose_name_plural = _("监测数据")
        indexes = [
            # a source's page: its latest readings
            models.Index(fields=["source", "-measured_at"], name="air_reading_source_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.parameter} {self.value} {self.unit}"


class ReadingDay(models.Model):
    """Readings per source, parameter and local day, kept in step by the ingestion in the same
    transaction: the month figures sum ~30 rows a source instead of every reading."""

    source = models.ForeignKey(PollutionSource, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    parameter = models.CharField(max_length=16, choices=Parameter.choices)
    territory_path = models.CharField(max_length=255)
    readings = models.PositiveIntegerField(default=0)
    exceedances = models.PositiveIntegerField(default=0)
    max_mg_m3 = models.DecimalField(max_digits=16, decimal_places=6, null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "day", "parameter"], name="air_reading_day_once")]
        # the leader page: a month's figures under a territory path
        indexes = [models.Index(fields=["day", "territory_path"], name="air_day_month_idx")]

    def __str__(self) -> str:
        return f"{self.source_id} {self.day} {self.parameter}"


class SourceCheck(models.Model):
    """A site check of a source on a checklist version (六个百分百, 油烟净化), scored by
    `checklists.scoring`; answers kept as {item id: [occurrences, vetoed]}."""

    source = models.ForeignKey(PollutionSource, on_delete=models.CASCADE, related_name="checks",
                               verbose_name=_("污染源"))
    version = models.ForeignKey("checklists.ChecklistVersion", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("细则版本"))
    checked_on = models.DateField(_("检查日期"))
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("检查人"))
    answers = models.JSONField(_("检查结果"), default=dict)
    total = models.DecimalField(_("得分"), max_digits=7, decimal_places=2)
    max_score = models.DecimalField(_("满分"), max_digits=7, decimal_places=2)
    passed = models.BooleanField(_("合格"))
    note = models.CharField(_("备注"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        ordering = ["-checked_on", "-pk"]
        verbose_name = _("现场检查")
        verbose_name_plural = _("现场检查")

    def __str__(self) -> str:
        return f"{self.source_id} {self.checked_on}"


class BanWindow(models.Model):
    """A seasonal ban (禁烧期, 禁放期) of a source type's category: from month/day to month/day every
    year, wrapping over the new year when the end comes before the start (11-01 → 03-31)."""

    source_type = models.ForeignKey(SourceType, on_delete=models.CASCADE, related_name="ban_windows",
                                    verbose_name=_("类型"))
    name = models.CharField(_("名称"), max_length=100)
    start_month = models.PositiveSmallIntegerField(_("起始月"))
    start_day = models.PositiveSmallIntegerField(_("起始日"))
    end_month = models.PositiveSmallIntegerField(_("结束月"))
    end_day = models.PositiveSmallIntegerField(_("结束日"))
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    is_confirmed = models.BooleanField(_("街道已确认"), default=False)

    class Meta:
        ordering = ["source_type", "start_month", "start_day"]
        verbose_name = _("禁止时段")
        verbose_name_plural = _("禁止时段")

    def __str__(self) -> str:
        return f"{self.name} {self.start_month}-{self.start_day}~{self.end_month}-{self.end_day}"


class AirPolicy(models.Model):
    check_pass_score = models.DecimalField(_("现场检查合格分"), max_digits=5, decimal_places=2, default=90)
    # A monitor posting faster than this is refused: a sanity bound on one request.
    batch_max = models.PositiveIntegerField(_("每批最多条数"), default=1000)

    class Meta:
        verbose_name = _("大气污染源设置")
        verbose_name_plural = _("大气污染源设置")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
