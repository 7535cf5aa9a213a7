"""垃圾分类 (issue 13 point 1; standards.md §6): the register of sorting points (with their bin sets)
and facilities, the daily quantities by class and stage (投放 / 收集 / 运输 / 处理), a daily rollup of
them for the rates, the 督导 / survey / spot-check records, the problems that became cases, and the
office's policy and national targets as editable data."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedao.territory.models import Organisation, Unit


class WasteClass(models.TextChoices):
    """GB/T 19095-2019 生活垃圾分类标志: the four classes."""

    RECYCLABLE = "recyclable", _("可回收物")
    HAZARDOUS = "hazardous", _("有害垃圾")
    KITCHEN = "kitchen", _("厨余垃圾")
    RESIDUAL = "residual", _("其他垃圾")


class WasteSubclass(models.TextChoices):
    """GB/T 19095-2019 sub-classes; `SUBCLASS_OF` says which class each belongs to."""

    PAPER = "paper", _("纸类")
    PLASTIC = "plastic", _("塑料")
    METAL = "metal", _("金属")
    GLASS = "glass", _("玻璃")
    TEXTILE = "textile", _("织物")
    LAMP = "lamp", _("灯管")
    CHEMICAL = "chemical", _("家用化学品")
    BATTERY = "battery", _("电池")
    HOUSEHOLD_KITCHEN = "household_kitchen", _("家庭厨余垃圾")
    CATERING = "catering", _("餐厨垃圾")
    OTHER_KITCHEN = "other_kitchen", _("其他厨余垃圾")


SUBCLASS_OF = {
    WasteSubclass.PAPER: WasteClass.RECYCLABLE, WasteSubclass.PLASTIC: WasteClass.RECYCLABLE,
    WasteSubclass.METAL: WasteClass.RECYCLABLE, WasteSubclass.GLASS: WasteClass.RECYCLABLE,
    WasteSubclass.TEXTILE: WasteClass.RECYCLABLE,
    WasteSubclass.LAMP: WasteClass.HAZARDOUS, WasteSubclass.CHEMICAL: WasteClass.HAZARDOUS,
    WasteSubclass.BATTERY: WasteClass.HAZARDOUS,
    WasteSubclass.HOUSEHOLD_KITCHEN: WasteClass.KITCHEN, WasteSubclass.CATERING: WasteClass.KITCHEN,
    WasteSubclass.OTHER_KITCHEN: WasteClass.KITCHEN,
}


class Stage(models.TextChoices):
    DISPOSAL = "disposal", _("投放")
    COLLECTION = "collection", _("收集")
    TRANSPORT = "transport", _("运输")
    TREATMENT = "treatment", _("处理")


class Condition(models.TextChoices):
    GOOD = "good", _("完好")
    DAMAGED = "damaged", _("破损")
    MISSING = "missing", _("缺失")


class FacilityKind(models.TextChoices):
    TRANSFER = "transfer", _("转运站")
    RECYCLING = "recycling", _("回收中心")
    TREATMENT = "treatment", _("处理厂")


class Facility(models.Model):
    """A transfer station, recycling centre or treatment plant. Whether what it receives counts as
    资源化 (recycled, composted, incinerated with energy recovery …) or 无害化 is the office's data."""

    code = models.CharField(_("编号"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=FacilityKind.choices)
    method = models.CharField(_("处理方式"), max_length=100, blank=True)
    is_resource_recovery = models.BooleanField(_("计入资源化利用"), default=False)
    is_harmless = models.BooleanField(_("计入无害化处理"), default=False)
    longitude = models.FloatField(_("经度（WGS-84）"))
    latitude = models.FloatField(_("纬度（WGS-84）"))
    operator = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("运营单位"))
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("垃圾处理设施")
        verbose_name_plural = _("垃圾处理设施")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SortingPoint(models.Model):
    """A collection point (投放点 / 收集点) with its bin set and the households it serves.
    `community` and `territory_path` come from the grid locator."""

    code = models.CharField(_("编号"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    community = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="sorting_points",
                                  verbose_name=_("社区（村）"))
    territory_path = models.CharField(_("属地路径"), max_length=255, db_index=True)
    longitude = models.FloatField(_("经度（WGS-84）"))
    latitude = models.FloatField(_("纬度（WGS-84）"))
    households = models.PositiveIntegerField(_("服务户数"), default=0)
    is_sorting = models.BooleanField(_("已开展分类"), default=True)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("分类投放点")
        verbose_name_plural = _("分类投放点")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Bin(models.Model):
    point = models.ForeignKey(SortingPoint, on_delete=models.CASCADE, related_name="bins", verbose_name=_("投放点"))
    waste_class = models.CharField(_("类别"), max_length=16, choices=WasteClass.choices)
    count = models.PositiveSmallIntegerField(_("桶数"), default=1)
    condition = models.CharField(_("状况"), max_length=16, choices=Condition.choices, default=Condition.GOOD)

    class Meta:
        verbose_name = _("分类桶")
        verbose_name_plural = _("分类桶")
        ordering = ["point", "waste_class"]
        constraints = [models.UniqueConstraint(fields=["point", "waste_class"], name="bin_once_per_class")]

    def __str__(self) -> str:
        return f"{self.point_id} · {self.get_waste_class_display()}"


class RecordSource(models.TextChoices):
    FORM = "form", _("页面录入")
    IMPORT = "import", _("表格导入")
    SCALE = "scale", _("地磅接口")
    DEMO = "demo", _("演示数据")


class WasteRecord(models.Model):
    """One weighed quantity: a day, a stage, a class (and sub-class), in kg. 投放 and 收集 name the
    point; 运输 is a vehicle trip delivering to a facility; 处理 is what a facility treated. Every
    record names the community it came from, so a community's tonnage is followed to the facility."""

    day = models.DateField(_("日期"))
    stage = models.CharField(_("环节"), max_length=16, choices=Stage.choices)
    waste_class = models.CharField(_("类别"), max_length=16, choices=WasteClass.choices)
    subclass = models.CharField(_("细类"), max_length=24, choices=WasteSubclass.choices, blank=True)
    weight_kg = models.DecimalField(_("重量（千克）"), max_digits=12, decimal_places=2,
                                    validators=[MinValueValidator(Decimal(0))])
    # Their own indexes would repeat the (point, day) and (community, day) ones below.
    point = models.ForeignKey(SortingPoint, on_delete=models.PROTECT, null=True, blank=True, related_name="records",
                              verbose_name=_("投放点"), db_index=False)
    community = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="waste_records",
                                  verbose_name=_("社区（村）"), db_index=False)
    territory_path = models.CharField(_("属地路径"), max_length=255)
    vehicle = models.CharField(_("车辆"), max_length=20, blank=True)
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, null=True, blank=True, related_name="records",
                                 verbose_name=_("设施"))
    source = models.CharField(_("来源"), max_length=8, choices=RecordSource.choices, default=RecordSource.FORM)
    reading_key = models.CharField(_("幂等键"), max_length=100, null=True, blank=True, unique=True)
    reading_fingerprint = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("录入人"))
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("垃圾量记录")
        verbose_name_plural = _("垃圾量记录")
        ordering = ["-day", "-pk"]
        indexes = [
            # A point's page and its rates: its records by day.
            models.Index(fields=["point", "day"], name="waste_record_point_day"),
            # Refreshing the rollup of one community and day; the records behind a community's figure.
            models.Index(fields=["community", "day"], name="waste_record_community_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_stage_display()} {self.get_waste_class_display()} {self.weight_kg} kg"


class DailyTotal(models.Model):
    """The rollup the rates read: per community, day, stage, class and facility, the sum of the raw
    records (which stay). Rewritten for a community and day whenever a record of it is written."""

    day = models.DateField()
    community = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    territory_path = models.CharField(max_length=255)
    stage = models.CharField(max_length=16, choices=Stage.choices)
    waste_class = models.CharField(max_length=16, choices=WasteClass.choices)
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    weight_kg = models.DecimalField(max_digits=14, decimal_places=2)
    records = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("日汇总")
        verbose_name_plural = _("日汇总")
        indexes = [
            # Every rate of every unit under a path for a period.
            models.Index(fields=["territory_path", "day"], name="waste_daily_path_day"),
            models.Index(fields=["community", "day"], name="waste_daily_community_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.community_id} {self.stage} {self.waste_class} {self.weight_kg}"


class CheckKind(models.TextChoices):
    SUPERVISION = "supervision", _("督导员现场记录")
    SURVEY = "survey", _("入户抽样调查")
    SPOT_CHECK = "spot_check", _("桶内抽检")


class SortingCheck(models.Model):
    """Participation and accuracy at a point: a 督导员's on-site record (households seen dropping off,
    how many sorted), a random household survey, or a bin spot check (bins opened, how many correct)."""

    point = models.ForeignKey(SortingPoint, on_delete=models.PROTECT, related_name="checks",
                              verbose_name=_("投放点"))
    community = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区（村）"))
    territory_path = models.CharField(_("属地路径"), max_length=255)
    kind = models.CharField(_("类型"), max_length=16, choices=CheckKind.choices)
    checked_on = models.DateField(_("日期"))
    households_seen = models.PositiveIntegerField(_("调查（观察）户数"), default=0)
    households_sorting = models.PositiveIntegerField(_("参与分类户数"), default=0)
    bins_checked = models.PositiveIntegerField(_("抽检桶（袋）数"), default=0)
    bins_correct = models.PositiveIntegerField(_("分类正确桶（袋）数"), default=0)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("记录人"))
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("分类检查记录")
        verbose_name_plural = _("分类检查记录")
        ordering = ["-checked_on", "-pk"]
        indexes = [models.Index(fields=["territory_path", "checked_on"], name="waste_check_path_day")]

    def __str__(self) -> str:
        return f"{self.point_id} · {self.get_kind_display()} · {self.checked_on}"


class ProblemKind(models.TextChoices):
    OVERFLOW = "overflow", _("垃圾满溢")
    MIXED = "mixed", _("混装混运")
    LITTER = "litter", _("垃圾落地")


class PointProblem(models.Model):
    point = models.ForeignKey(SortingPoint, on_delete=models.PROTECT, related_name="problems",
                              verbose_name=_("投放点"))
    kind = models.CharField(_("问题"), max_length=16, choices=ProblemKind.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("案件"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("上报人"))
    reported_at = models.DateTimeField(_("上报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("投放点问题")
        verbose_name_plural = _("投放点问题")
        ordering = ["-reported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.point_id} · {self.get_kind_display()}"


class WasteSupervisor(models.Model):
    """A 督导员 and the community whose points he records for (no role of its own: the register is here)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waste_supervisions",
                             verbose_name=_("督导员"))
    community = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("社区（村）"))

    class Meta:
        verbose_name = _("垃圾分类督导员")
        verbose_name_plural = _("垃圾分类督导员")
        constraints = [models.UniqueConstraint(fields=["user", "community"], name="waste_supervisor_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.community}"


class WastePolicy(models.Model):
    """The office's rules as data: the stage-mismatch tolerance, the sanitation department, and the
    catalogue categories a point's problems are reported under."""

    mismatch_tolerance_percent = models.DecimalField(_("环节差异容差（%）"), max_digits=5, decimal_places=1,
                                                     default=Decimal(5), validators=[MinValueValidator(Decimal(0))])
    department = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("环卫主管部门"))
    overflow_category = models.CharField(_("满溢问题分类代码"), max_length=16, default="06042")
    mixed_category = models.CharField(_("混装问题分类代码"), max_length=16, default="06041")
    litter_category = models.CharField(_("落地问题分类代码"), max_length=16, default="06042")

    class Meta:
        verbose_name = _("垃圾分类规则")
        verbose_name_plural = _("垃圾分类规则")

    def __str__(self) -> str:
        return str(_("垃圾分类规则"))

    def category_for(self, kind: str) -> str:
        return {ProblemKind.OVERFLOW: self.overflow_category, ProblemKind.MIXED: self.mixed_category,
                ProblemKind.LITTER: self.litter_category}.get(kind, "")


class WasteTarget(models.Model):
    """A reference value for a rate (national or local), shown beside the figure; editable."""

    rate = models.CharField(_("指标"), max_length=24, unique=True)
    value_percent = models.DecimalField(_("目标值（%）"), max_digits=5, decimal_places=1)
    source = models.CharField(_("依据"), max_length=300, blank=True)
    is_confirmed = models.BooleanField(_("已核实"), default=False)

    class Meta:
        verbose_name = _("垃圾分类目标值")
        verbose_name_plural = _("垃圾分类目标值")
        ordering = ["rate"]

    def __str__(self) -> str:
        return f"{self.rate} {self.value_percent}%"
