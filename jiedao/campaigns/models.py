"""Special actions (专项行动) such as 三清三拆三整治: the campaign with its phases, the lines of work it
covers (grouped as 三清 / 三拆 / 三整治, each line mapped to catalogue categories), the register of
key places with their geometry, the targets per community and key place, and the evidence figures
entered for work no case carries. All of it is data an administrator or a leader edits; the
rules that make an entry acceptable are in `clean()` here and in `services.py`."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedao.cases.models import Case
from jiedao.catalogue.models import CatalogueItem
from jiedao.territory.models import Organisation, Unit, UnitLevel

from .geometry import GeometryProblem, geometry_check

CODE_VALIDATOR = RegexValidator(r"^[a-z0-9][a-z0-9-]{0,39}$",
                                _("只能使用小写字母、数字和连字符，以字母或数字开头，最长 40 个字符"))
SCOPE_LEVELS = frozenset({UnitLevel.DISTRICT, UnitLevel.SUBDISTRICT, UnitLevel.AREA, UnitLevel.COMMUNITY})


class Campaign(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("代码"), max_length=40, unique=True, validators=[CODE_VALIDATOR],
                            help_text=_("用于链接、导出文件名和对标测度，如 sanqing-sanchai"))
    scope = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("实施范围"),
                              help_text=_("街道，或街道的一部分（片区、社区）"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    description = models.TextField(_("说明"), blank=True)
    key_places = models.ManyToManyField("KeyPlace", blank=True, related_name="campaigns",
                                        verbose_name=_("重点区域"))
    is_sample = models.BooleanField(_("示例内容"), default=False,
                                    help_text=_("演示或示例数据：请街道办按实际情况修改"))
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")
        ordering = ["-starts_on", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("结束日期不能早于开始日期")
        if self.scope_id and self.scope.level not in SCOPE_LEVELS:
            errors["scope"] = _("实施范围应为区、街道、片区或社区（村），不能是单个网格")
        if errors:
            raise ValidationError(errors)

    def covers(self, unit: Unit) -> bool:
        """`unit` lies within the campaign's scope."""
        return unit.path.startswith(self.scope.path)

    def phase_on(self, day: date) -> "CampaignPhase | None":
        """The phase under way on `day` (the earliest-starting one if phases overlap); None
        before the first phase and after the last."""
        return next((phase for phase in self.phases.order_by("starts_on", "pk")
                     if phase.starts_on <= day <= phase.ends_on), None)


class PhaseKind(models.TextChoices):
    MOBILISATION = "mobilisation", _("动员部署")
    CONCENTRATED = "concentrated", _("集中整治")
    CONSOLIDATION = "consolidation", _("巩固提升")
    ACCEPTANCE = "acceptance", _("验收")


class CampaignPhase(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases",
                                 verbose_name=_("专项行动"))
    kind = models.CharField(_("阶段"), max_length=16, choices=PhaseKind.choices)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    note = models.CharField(_("工作要求"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("行动阶段")
        verbose_name_plural = _("行动阶段")
        ordering = ["starts_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "kind"], name="campaign_phase_once")]

    def __str__(self) -> str:
        return self.get_kind_display()

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("结束日期不能早于开始日期")
        campaign = self.campaign if self.campaign_id else None
        if campaign and self.starts_on and self.ends_on and not (
                campaign.starts_on <= self.starts_on and self.ends_on <= campaign.ends_on):
            errors["starts_on"] = _("阶段应在行动期（%(start)s 至 %(end)s）之内") % {
                "start": campaign.starts_on, "end": campaign.ends_on}
        if errors:
            raise ValidationError(errors)


class CampaignGroup(models.Model):
    """三清, 三拆 or 三整治: a group of lines and the way the speech asks them done."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="groups",
                                 verbose_name=_("专项行动"))
    name = models.CharField(_("名称"), max_length=40, help_text=_("如 三清、三拆、三整治"))
    approach = models.CharField(_("工作方式"), max_length=100, blank=True,
                                help_text=_("如 “地毯式”清理、“雷霆式”拆除、“常态化”整治"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("行动类别")
        verbose_name_plural = _("行动类别")
        ordering = ["campaign", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="campaign_group_name")]

    def __str__(self) -> str:
        return self.name


class CampaignLine(models.Model):
    """One line of work (清积存垃圾, 拆乱搭乱建, 整治占道经营 …): the catalogue categories whose cases
    are its work, how its work is counted, and, where it has one, the quantity it is measured in."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="lines",
                                 verbose_name=_("专项行动"), editable=False)
    group = models.ForeignKey(CampaignGroup, on_delete=models.CASCADE, related_name="lines",
                              verbose_name=_("行动类别"))
    code = models.CharField(_("代码"), max_length=40, validators=[CODE_VALIDATOR],
                            help_text=_("在本行动内唯一，用于对标测度，如 demolish-buildings"))
    name = models.CharField(_("名称"), max_length=60)
    items = models.ManyToManyField(CatalogueItem, related_name="campaign_lines", verbose_name=_("对应问题分类"),
                                   help_text=_("这些分类的案件计为本分项的发现与完成；一个分类在同一行动中只能属于一个分项"))
    count_label = models.CharField(_("计数单位"), max_length=8, default="处", help_text=_("如 处、件"))
    quantity_unit = models.CharField(_("工程量单位"), max_length=8, blank=True,
                                     help_text=_("如 m²、个；留空表示本分项只计数量"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("行动分项")
        verbose_name_plural = _("行动分项")
        ordering = ["campaign", "group__order", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="campaign_line_code")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.group_id:
            self.campaign_id = self.group.campaign_id


class KeyPlaceKind(models.TextChoices):
    BACK_STREET = "back_street", _("背街小巷")
    FARMERS_MARKET = "farmers_market", _("农贸市场")
    URBAN_FRINGE = "urban_fringe", _("城乡结合部")
    OTHER = "other", _("其他重点区域")


# The shape each kind is drawn as: a line, an area, or either (None).
KIND_IS_LINE = {KeyPlaceKind.BACK_STREET: True, KeyPlaceKind.FARMERS_MARKET: False,
                KeyPlaceKind.URBAN_FRINGE: False, KeyPlaceKind.OTHER: None}


class KeyPlace(models.Model):
    """A place under special watch (重点区域): a back street drawn as a line, a market or the
    urban-rural fringe as an area, with the units answerable for it."""

    kind = models.CharField(_("类型"), max_length=16, choices=KeyPlaceKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    geometry = models.JSONField(_("位置（GeoJSON，WGS-84）"),
                                help_text=_("背街小巷为 LineString，农贸市场、城乡结合部为 Polygon；坐标为 [经度, 纬度]"))
    buffer_m = models.PositiveSmallIntegerField(
        _("匹配范围（米）"), default=30, validators=[MaxValueValidator(500)],
        help_text=_("线两侧各该距离内的案件计入本区域；面状区域向外扩展该距离（0 表示只计区域内）"))
    community = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="key_places",
                                  verbose_name=_("所在社区（村）"))
    owners = models.ManyToManyField(Organisation, blank=True, related_name="key_places",
                                    verbose_name=_("责任单位"), help_text=_("权属、管理或养护单位"))
    note = models.CharField(_("备注"), max_length=300, blank=True)
    is_sample = models.BooleanField(_("示例内容"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("重点区域")
        verbose_name_plural = _("重点区域")
        ordering = ["community__path", "kind", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"

    def clean(self) -> None:
        errors = {}
        geometry = None
        try:
            geometry = geometry_check(self.geometry, wants_line=KIND_IS_LINE.get(self.kind))
        except GeometryProblem as problem:
            errors["geometry"] = str(problem)
        if self.community_id:
            community = self.community
            if community.level != UnitLevel.COMMUNITY:
                errors["community"] = _("请选择社区（村）一级的单位")
            elif geometry is not None:
                outline = _outline_of(community)
                if outline is not None and not outline.intersects(geometry):
                    errors["geometry"] = _("位置不在%(community)s的范围内") % {"community": community.name}
        if errors:
            raise ValidationError(errors)


def _outline_of(community: Unit):
    """The community's boundary, or the union of its grids' where it has none; None when neither
    can be read (then nothing is decided by it)."""
    import shapely
    from shapely.geometry import shape

    boundaries = ([community.boundary] if community.boundary else
                  list(Unit.objects.filter(level=UnitLevel.GRID, path__startswith=community.path, boundary__isnull=False)
                       .values_list("boundary", flat=True)))
    shapes = []
    for boundary in boundaries:
        try:
            shapes.append(shape(boundary))
        except (ValueError, TypeError, AttributeError, KeyError, IndexError, shapely.errors.GEOSException):
            continue  # a boundary that cannot be read decides nothing
    return shapely.union_all(shapes) if shapes else None


class TargetMeasure(models.TextChoices):
    COUNT = "count", _("数量（处/件）")
    QUANTITY = "quantity", _("工程量（m²、个等）")


class CampaignTarget(models.Model):
    """How much of a line a community (or a key place in it) is to get done in the campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets",
                                 verbose_name=_("专项行动"))
    line = models.ForeignKey(CampaignLine, on_delete=models.CASCADE, related_name="targets",
                             verbose_name=_("行动分项"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="campaign_targets",
                             verbose_name=_("社区（村）"))
    key_place = models.ForeignKey(KeyPlace, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="targets", verbose_name=_("重点区域"),
                                  help_text=_("留空为全社区的目标"))
    measure = models.CharField(_("计量"), max_length=8, choices=TargetMeasure.choices, default=TargetMeasure.COUNT)
    value = models.DecimalField(_("目标值"), max_digits=12, decimal_places=2,
                                validators=[MinValueValidator(0)])
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("目标任务")
        verbose_name_plural = _("目标任务")
        ordering = ["campaign", "unit__path", "line__group__order", "line__order", "key_place_id", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["line", "unit", "measure"], condition=models.Q(key_place__isnull=True),
                                    name="campaign_target_community"),
            models.UniqueConstraint(fields=["line", "key_place", "measure"],
                                    condition=models.Q(key_place__isnull=False), name="campaign_target_place"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="campaign_target_not_negative"),
        ]

    def __str__(self) -> str:
        place = self.key_place.name if self.key_place_id else self.unit.name
        return f"{place} · {self.line.name} · {self.value}"

    def clean(self) -> None:
        errors = {}
        campaign = self.campaign if self.campaign_id else None
        line = self.line if self.line_id else None
        if self.key_place_id:
            self.unit = self.key_place.community
        if campaign is not None and line is not None and line.campaign_id != campaign.pk:
            errors["line"] = _("分项“%(line)s”不属于本行动") % {"line": line.name}
        if campaign is not None and self.unit_id:
            if self.unit.level != UnitLevel.COMMUNITY:
                errors["unit"] = _("目标应下达到社区（村）")
            elif not campaign.covers(self.unit):
                errors["unit"] = _("%(unit)s不在本行动的实施范围（%(scope)s）内") % {
                    "unit": self.unit.name, "scope": campaign.scope.name}
        if campaign is not None and self.key_place_id and not campaign.key_places.filter(
                pk=self.key_place_id).exists():
            errors["key_place"] = _("重点区域“%(place)s”不在本行动的重点区域名录中") % {"place": self.key_place.name}
        if line is not None and self.measure == TargetMeasure.QUANTITY and not line.quantity_unit:
            errors["measure"] = _("分项“%(line)s”没有工程量单位，只能按数量下达目标") % {"line": line.name}
        if self.value is not None and self.value < 0:
            errors["value"] = _("目标值不能为负数")
        if errors:
            raise ValidationError(errors)


class EvidenceFigure(models.Model):
    """Work done that no case carries (m² demolished, a clean-up of several points), entered with its
    evidence by a leader or the community: counted once, with the cases, in the progress."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="figures",
                                 verbose_name=_("专项行动"))
    line = models.ForeignKey(CampaignLine, on_delete=models.PROTECT, related_name="figures",
                             verbose_name=_("行动分项"))
    community = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="campaign_figures",
                                  verbose_name=_("社区（村）"))
    key_place = models.ForeignKey(KeyPlace, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="figures", verbose_name=_("重点区域"))
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="campaign_figures",
                             verbose_name=_("关联案件"), help_text=_("关联案件时只记工程量，案件本身已计一处"))
    on_date = models.DateField(_("完成日期"))
    count = models.PositiveIntegerField(_("完成数（处/件）"), default=0)
    quantity = models.DecimalField(_("工程量"), max_digits=12, decimal_places=2, default=0,
                                   validators=[MinValueValidator(0)])
    note = models.TextField(_("说明"), max_length=1000)
    document = models.FileField(_("佐证文件（PDF）"), upload_to="campaigns/documents/%Y/%m/", blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("录入人"))
    entered_at = models.DateTimeField(_("录入时间"))

    class Meta:
        verbose_name = _("佐证数据")
        verbose_name_plural = _("佐证数据")
        ordering = ["-on_date", "-pk"]
        indexes = [models.Index(fields=["campaign", "on_date"], name="campaign_figure_by_day")]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="campaign_figure_quantity_not_negative"),
            models.CheckConstraint(condition=models.Q(count__gt=0) | models.Q(quantity__gt=0),
                                   name="campaign_figure_not_empty"),
            models.CheckConstraint(condition=models.Q(case__isnull=True) | models.Q(count=0),
                                   name="campaign_figure_case_counted_once"),
        ]

    def __str__(self) -> str:
        return f"{self.on_date} · {self.line.name} · {self.community.name}"


class EvidencePhoto(models.Model):
    figure = models.ForeignKey(EvidenceFigure, on_delete=models.CASCADE, related_name="photos",
                               verbose_name=_("佐证数据"))
    image = models.ImageField(_("照片"), upload_to="campaigns/photos/%Y/%m/")
    thumbnail = models.ImageField(_("缩略图"), upload_to="campaigns/thumbs/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("佐证照片")
        verbose_name_plural = _("佐证照片")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.figure_id} {self.pk}"
