"""The standard address register (一标三实 标准地址) grid management rests on: roads (街路巷) with
their course, house numbers (门牌) and buildings or places (小区, 楼栋, 市场, 学校 …) as WGS-84
points, each in the grid the territory's locator puts it in."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedao.one_row import OneRowPolicy
from jiedao.territory.models import Unit

from .parsing import house_number_label


def split_aliases(text: str) -> list[str]:
    return [word for word in text.replace("，", ",").replace("、", ",").replace(" ", ",").split(",") if word.strip()]


def searchable_text(name: str, aliases: str) -> str:
    """The pinyin search words of a name and its aliases (catalogue.search_text), as stored."""
    from jiedao.catalogue.search_text import search_text_of

    return search_text_of(" ".join([name, *split_aliases(aliases)]))[:400]

class AddressStatus(models.TextChoices):
    IN_USE = "in_use", _("使用中")
    RETIRED = "retired", _("已废止")


class Road(models.Model):
    """A street, road, lane or village group (街路巷), named once in the sub-district."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    aliases = models.CharField(_("别名"), max_length=200, blank=True,
                               help_text=_("曾用名、俗称，用逗号或空格分隔"))
    line = models.JSONField(_("走向（GeoJSON LineString，WGS-84）"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=AddressStatus.choices, default=AddressStatus.IN_USE)
    search_text = models.CharField(_("拼音检索词"), max_length=400, blank=True, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("道路（街路巷）")
        verbose_name_plural = _("道路（街路巷）")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = searchable_text(self.name, self.aliases)  # derived: one place, every writer
        super().save(*args, **kwargs)

    def alias_list(self) -> list[str]:
        return split_aliases(self.aliases)


class HouseNumber(models.Model):
    """A 门牌: road + number (+ sub-number), optionally the building's name, at a point."""

    road = models.ForeignKey(Road, on_delete=models.PROTECT, related_name="house_numbers", verbose_name=_("道路"))
    number = models.PositiveIntegerField(_("门牌号"))
    sub_number = models.CharField(_("附号"), max_length=8, blank=True, help_text=_("如 88-1 号的 1"))
    building_name = models.CharField(_("建筑名称"), max_length=100, blank=True)
    code = models.CharField(_("地址编码"), max_length=40, blank=True, db_index=True)
    longitude = models.FloatField(_("经度"))
    latitude = models.FloatField(_("纬度"))
    grid = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="house_numbers",
                             verbose_name=_("所在网格"))
    status = models.CharField(_("状态"), max_length=8, choices=AddressStatus.choices, default=AddressStatus.IN_USE)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("门牌")
        verbose_name_plural = _("门牌")
        ordering = ["road__name", "number", "sub_number"]
        constraints = [models.UniqueConstraint(fields=["road", "number", "sub_number"], name="house_number_unique")]
        indexes = [models.Index(fields=["latitude", "longitude"], name="house_number_point_idx")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return house_number_label(road=self.road.name, number=self.number, sub_number=self.sub_number)


class PlaceKind(models.TextChoices):
    ESTATE = "estate", _("小区")
    BUILDING = "building", _("楼栋")
    MARKET = "market", _("市场")
    SCHOOL = "school", _("学校")
    HOSPITAL = "hospital", _("医院")
    PARK = "park", _("公园广场")
    OFFICE = "office", _("机关单位")
    SHOP = "shop", _("商铺")
    OTHER = "other", _("其他")


class Place(models.Model):
    """A building or point of interest people name instead of a house number."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=PlaceKind.choices, default=PlaceKind.OTHER)
    aliases = models.CharField(_("别名"), max_length=200, blank=True)
    house_number = models.ForeignKey(HouseNumber, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="places", verbose_name=_("所在门牌"))
    longitude = models.FloatField(_("经度"))
    latitude = models.FloatField(_("纬度"))
    grid = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="places",
                             verbose_name=_("所在网格"))
    status = models.CharField(_("状态"), max_length=8, choices=AddressStatus.choices, default=AddressStatus.IN_USE)
    search_text = models.CharField(_("拼音检索词"), max_length=400, blank=True, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("建筑与地点")
        verbose_name_plural = _("建筑与地点")
        ordering = ["name"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="place_point_idx")]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs):
        self.search_text = searchable_text(self.name, self.aliases)  # derived: one place, every writer
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        """桃源路88号3栋 for a block at a 门牌, 桃源新村（桃源路88号） for anything else at one."""
        if not self.house_number_id:
            return self.name
        if self.kind == PlaceKind.BUILDING:
            return f"{self.house_number.label}{self.name}"
        return f"{self.name}（{self.house_number.label}）"


class AddressPolicy(OneRowPolicy):
    """The register's thresholds, one row (pk=1)."""

    nearest_within_m = models.PositiveIntegerField(
        _("“附近”的最大距离（米）"), default=150,
        help_text=_("只有坐标的案件，显示此距离内最近的标准地址"))
    public_searches_per_ip_per_hour = models.PositiveIntegerField(
        _("群众门户每个 IP 每小时地址搜索次数"), default=600, help_text=_("0 表示不限"))

    class Meta:
        verbose_name = _("标准地址参数")
        verbose_name_plural = _("标准地址参数")
