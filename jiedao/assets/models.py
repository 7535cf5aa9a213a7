"""The register of things with a place that need upkeep: assets (部件, GB/T 47678.5 components,
standards.md §1.4 表2 and §8) with their state and its history, the cases named on them, their
maintenance records, and the cleaning zones (长效保洁) with their cleaning grade."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedao.catalogue.models import CatalogueItem
from jiedao.one_row import OneRowPolicy
from jiedao.territory.models import Organisation, Unit


class AssetState(models.TextChoices):
    # standards.md §1.4 表2 管理部件状态 "如完好、破损、丢失、废弃、移除"; §8 部件状态
    INTACT = "intact", _("完好")
    DAMAGED = "damaged", _("破损")
    LOST = "lost", _("丢失")
    DISUSED = "disused", _("废弃")
    REMOVED = "removed", _("移除")


class DataSource(models.TextChoices):
    # standards.md §1.4 表2 数据来源 (O): 实测/地形图/基础地理数据/其他
    SURVEYED = "surveyed", _("实测")
    TOPOGRAPHIC = "topographic", _("地形图")
    BASE_GEODATA = "base_geodata", _("基础地理数据")
    OTHER = "other", _("其他")


class Asset(models.Model):
    """A 管理部件: a component of the catalogue at a point (or along a line), in a grid."""

    identifier = models.CharField(_("管理部件标识码"), max_length=17, unique=True,
                                  help_text=_("17 位：6 位行政区划 + 5 位小类代码 + 6 位顺序码（旧版 16 位亦可）"))
    item = models.ForeignKey(CatalogueItem, on_delete=models.PROTECT, related_name="assets",
                             verbose_name=_("部件小类"), limit_choices_to={"kind": "component"})
    # The class's 5-digit code, kept beside the key: duty plans select assets by it ("component_code").
    component_code = models.CharField(_("小类代码"), max_length=16, editable=False, db_index=True)
    name = models.CharField(_("管理部件名称"), max_length=30, blank=True)
    # A point, or a representative point of its line (where the map puts it and "nearest" measures).
    longitude = models.FloatField(_("经度（WGS-84）"))
    latitude = models.FloatField(_("纬度（WGS-84）"))
    line = models.JSONField(_("线形（GeoJSON LineString，WGS-84）"), null=True, blank=True)
    grid = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assets", verbose_name=_("所在单元网格"))
    territory_path = models.CharField(_("属地路径"), max_length=255, editable=False, db_index=True)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="owned_assets", verbose_name=_("权属单位"))
    maintainer = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="maintained_assets", verbose_name=_("养护单位（主管部门）"))
    contractor = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="contracted_assets", verbose_name=_("作业公司"))
    state = models.CharField(_("管理部件状态"), max_length=8, choices=AssetState.choices, default=AssetState.INTACT)
    initial_date = models.DateField(_("初始日期"), null=True, blank=True)
    changed_date = models.DateField(_("变更日期"), null=True, blank=True)
    data_source = models.CharField(_("数据来源"), max_length=16, choices=DataSource.choices, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("管理部件")
        verbose_name_plural = _("管理部件")
        ordering = ["identifier"]
        indexes = [
            # "nearest" and the map's bounding box: a range on latitude, then longitude.
            models.Index(fields=["latitude", "longitude"], name="asset_point_idx"),
            # the list's filters: class and state.
            models.Index(fields=["item", "state"], name="asset_item_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {self.display_name}"

    def save(self, *args, **kwargs):
        self.component_code = self.item.code  # derived: one place, every writer that saves
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.name or self.item.name


class AssetStateChange(models.Model):
    """One change of an asset's state: who, when, why, which case. Append-only: never changed."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="state_changes", verbose_name=_("部件"))
    from_state = models.CharField(_("原状态"), max_length=8, choices=AssetState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=8, choices=AssetState.choices)
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name=_("操作人"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("关联案件"))

    class Meta:
        verbose_name = _("部件状态变更")
        verbose_name_plural = _("部件状态变更")
        ordering = ["asset", "at", "pk"]
        indexes = [models.Index(fields=["asset", "at"], name="asset_state_change_asset_idx")]

    def __str__(self) -> str:
        return f"{self.asset_id}: {self.from_state} → {self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("AssetStateChange is append-only")
        super().save(*args, **kwargs)


class AssetCase(models.Model):
    """A case named on an asset (the repair case of a broken street light). Kept here so the case
    loop knows nothing of assets; one asset per case."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="case_links", verbose_name=_("部件"))
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="asset_link",
                                verbose_name=_("案件"))
    linked_at = models.DateTimeField(_("关联时间"))
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("关联人"))

    class Meta:
        verbose_name = _("部件案件")
        verbose_name_plural = _("部件案件")
        indexes = [models.Index(fields=["asset", "linked_at"], name="asset_case_asset_idx")]

    def __str__(self) -> str:
        return f"{self.asset_id} · {self.case_id}"


class MaintenanceKind(models.TextChoices):
    MAINTAIN = "maintain", _("养护")
    INSPECT = "inspect", _("巡检")


class MaintenanceRecord(models.Model):
    """养护/巡检 done on an asset (standards.md §8, CJJ 36: 日常巡查、定期保养)."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="maintenance_records",
                              verbose_name=_("部件"))
    kind = models.CharField(_("类型"), max_length=8, choices=MaintenanceKind.choices)
    done_on = models.DateField(_("完成日期"))
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("完成人"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("作业单位"))
    work = models.CharField(_("作业内容"), max_length=200)
    notes = models.TextField(_("备注"), blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("养护巡检记录")
        verbose_name_plural = _("养护巡检记录")
        ordering = ["-done_on", "-pk"]
        indexes = [models.Index(fields=["asset", "done_on"], name="maintenance_asset_day_idx")]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.get_kind_display()} {self.done_on}"


class MaintenancePhoto(models.Model):
    """A photo of a maintenance record, re-encoded without EXIF (cases.photos), served only through
    a view that checks who may read the asset."""

    record = models.ForeignKey(MaintenanceRecord, on_delete=models.CASCADE, related_name="photos",
                               verbose_name=_("养护巡检记录"))
    image = models.FileField(_("照片"), upload_to="assets/%Y/%m/")
    thumbnail = models.FileField(_("缩略图"), upload_to="assets/%Y/%m/")
    content_type = models.CharField(_("类型"), max_length=32)

    class Meta:
        verbose_name = _("养护巡检照片")
        verbose_name_plural = _("养护巡检照片")

    def __str__(self) -> str:
        return f"{self.record_id}: {self.pk}"


class CleaningGrade(models.Model):
    """A cleaning grade (保洁等级 一级…四级) and its standard, as data an administrator edits."""

    # The code is the key: duty plans name a grade by it ({"grade": "1"}).
    code = models.CharField(_("代码"), max_length=8, primary_key=True)
    name = models.CharField(_("名称"), max_length=20)
    order = models.PositiveSmallIntegerField(_("顺序"), default=1, help_text=_("1 为最高等级"))
    sweeps_per_day = models.PositiveSmallIntegerField(_("每日普扫次数"), default=1)
    patrol_hours_per_day = models.PositiveSmallIntegerField(_("每日巡回保洁小时数"), default=8)
    litter_limit = models.PositiveSmallIntegerField(
        _("废弃物控制指标（每千平方米不多于）"), default=5,
        help_text=_("每 1000 平方米内可见的果皮、纸屑、烟头等废弃物不多于的件数"))
    standard = models.TextField(_("作业标准"), blank=True)
    is_sample = models.BooleanField(_("示例值"), default=True,
                                    help_text=_("默认值为示例，请按本地环卫作业规范修改后取消勾选"))

    class Meta:
        verbose_name = _("保洁等级")
        verbose_name_plural = _("保洁等级")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class CleaningZoneKind(models.TextChoices):
    STREET = "street", _("道路路段")
    SQUARE = "square", _("广场")
    MARKET = "market", _("市场")
    OTHER = "other", _("其他")


class CleaningZone(models.Model):
    """A piece of the sub-district cleaned to a grade by a contractor (长效保洁)."""

    code = models.CharField(_("编号"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=8, choices=CleaningZoneKind.choices, default=CleaningZoneKind.STREET)
    geometry = models.JSONField(_("范围（GeoJSON LineString 或 Polygon，WGS-84）"))
    longitude = models.FloatField(_("代表点经度"))
    latitude = models.FloatField(_("代表点纬度"))
    grid = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="cleaning_zones",
                             verbose_name=_("代表点所在网格"))
    territory_path = models.CharField(_("属地路径"), max_length=255, editable=False, db_index=True)
    grade = models.ForeignKey(CleaningGrade, on_delete=models.PROTECT, related_name="zones",
                              verbose_name=_("保洁等级"))
    contractor = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="cleaning_zones", verbose_name=_("保洁作业公司"))
    supervisor = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="supervised_cleaning_zones", verbose_name=_("监管部门"))
    length_m = models.PositiveIntegerField(_("长度（米）"), default=0)
    area_m2 = models.PositiveIntegerField(_("面积（平方米）"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("保洁区域")
        verbose_name_plural = _("保洁区域")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AssetPolicy(OneRowPolicy):
    """The register's thresholds, one row (pk=1)."""

    nearest_within_m = models.PositiveIntegerField(
        _("上报时推荐附近部件的距离（米）"), default=50, validators=[MinValueValidator(1)])
    nearest_count = models.PositiveSmallIntegerField(
        _("上报时最多推荐的部件数"), default=5, validators=[MinValueValidator(1)])
    repeat_repairs_count = models.PositiveSmallIntegerField(
        _("反复维修：案件数"), default=3, validators=[MinValueValidator(2)],
        help_text=_("同一部件在下列天数内有这么多件维修案件，即列为反复维修"))
    repeat_repairs_days = models.PositiveSmallIntegerField(
        _("反复维修：天数"), default=90, validators=[MinValueValidator(1)])
    cases_near_m = models.PositiveIntegerField(
        _("部件页显示附近案件的距离（米）"), default=30, validators=[MinValueValidator(1)])
    map_points_limit = models.PositiveIntegerField(
        _("地图一次最多加载的部件数"), default=25000, validators=[MinValueValidator(100)])

    class Meta:
        verbose_name = _("部件参数")
        verbose_name_plural = _("部件参数")
