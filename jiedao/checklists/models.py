"""Checklists (考评细则) as data: sections and items with their scoring mechanics (standards.md §7
"Common mechanics": max score, deduction per occurrence with a cap, add-point items with their own
cap, veto items 一票否决, sampling rules, evidence), in versions. A published version never changes:
an inspection keeps the version it was scored on, so editing a checklist never rescores the past.
The arithmetic is in `scoring.py`; the writes (new draft, publish, validation) in `services.py`."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedao.catalogue.models import CatalogueItem

SCORE = {"max_digits": 7, "decimal_places": 2}


class ScoringMethod(models.TextChoices):
    # standards.md §9 ScoringMethod: 扣分(累计封顶), 加分(封顶), 一票否决
    DEDUCT = "deduct", _("扣分（按次扣分，扣完为止）")
    ADD = "add", _("加分（按次加分，封顶）")
    VETO = "veto", _("一票否决")


class VetoScope(models.TextChoices):
    NONE = "", _("无")
    ITEM = "item", _("本项得零分")
    SECTION = "section", _("本部分得零分")
    TOTAL = "total", _("总分为零")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("现行")
    RETIRED = "retired", _("已停用")


class Checklist(models.Model):
    code = models.SlugField(_("编号"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    applies_to = models.CharField(_("检查对象"), max_length=60, blank=True,
                                  help_text=_("如 社区、行政村、住宅小区、建筑工地、背街小巷"))
    description = models.TextField(_("说明"), blank=True)
    source = models.CharField(_("依据"), max_length=255, blank=True)
    is_sample = models.BooleanField(_("示例内容"), default=False,
                                    help_text=_("系统预置的示例细则，请按本街道实际修改后使用"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考评细则")
        verbose_name_plural = _("考评细则")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ChecklistVersion(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="versions",
                                  verbose_name=_("考评细则"))
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    bonus_cap = models.DecimalField(_("加分上限"), **SCORE, null=True, blank=True,
                                    validators=[MinValueValidator(Decimal(0))],
                                    help_text=_("各加分项合计最多加多少分；留空则只受各项上限约束"))
    change_note = models.CharField(_("修订说明"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("创建人"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("发布人"))

    class Meta:
        verbose_name = _("细则版本")
        verbose_name_plural = _("细则版本")
        ordering = ["checklist", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "number"], name="checklist_version_number"),
            # At most one version of a checklist is in force.
            models.UniqueConstraint(fields=["checklist"], condition=models.Q(status="published"),
                                    name="checklist_one_published_version"),
        ]

    def __str__(self) -> str:
        return f"{self.checklist.name} v{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def max_score(self) -> Decimal:
        return sum((section.max_score for section in self.sections.all()), Decimal(0))


class ChecklistSection(models.Model):
    version = models.ForeignKey(ChecklistVersion, on_delete=models.CASCADE, related_name="sections",
                                verbose_name=_("细则版本"))
    position = models.PositiveIntegerField(_("顺序"))
    number = models.CharField(_("序号"), max_length=12, blank=True)
    name = models.CharField(_("项目"), max_length=120)
    max_score = models.DecimalField(_("分值"), **SCORE, validators=[MinValueValidator(Decimal(0))])

    class Meta:
        verbose_name = _("细则部分")
        verbose_name_plural = _("细则部分")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="checklist_section_position"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()


class ChecklistItem(models.Model):
    section = models.ForeignKey(ChecklistSection, on_delete=models.CASCADE, related_name="items",
                                verbose_name=_("细则部分"))
    position = models.PositiveIntegerField(_("顺序"))
    number = models.CharField(_("序号"), max_length=12, blank=True)
    name = models.CharField(_("项目"), max_length=120)
    content = models.TextField(_("内容"), blank=True, help_text=_("检查什么、达到什么标准"))
    standard = models.TextField(_("评分标准"), blank=True, help_text=_("扣分、加分或否决的规则原文"))
    method = models.CharField(_("计分方式"), max_length=8, choices=ScoringMethod.choices, default=ScoringMethod.DEDUCT)
    max_score = models.DecimalField(_("分值"), **SCORE, default=Decimal(0),
                                    validators=[MinValueValidator(Decimal(0))],
                                    help_text=_("扣分项的满分；加分项、否决项可为 0"))
    per_occurrence = models.DecimalField(_("每处扣（加）分"), **SCORE, default=Decimal(0),
                                         validators=[MinValueValidator(Decimal(0))])
    cap = models.DecimalField(_("封顶分"), **SCORE, null=True, blank=True,
                              validators=[MinValueValidator(Decimal(0))],
                              help_text=_("扣分项最多扣多少分（不超过分值，留空即扣完分值为止）；加分项最多加多少分"))
    veto_scope = models.CharField(_("否决范围"), max_length=8, choices=VetoScope.choices, blank=True, default="")
    veto_condition = models.CharField(_("否决情形"), max_length=200, blank=True,
                                      help_text=_("如 发现露天焚烧垃圾、秸秆、树叶"))
    sampling_rule = models.CharField(_("抽查方法"), max_length=200, blank=True,
                                     help_text=_("如 每个自然村随机走访 5 户"))
    sample_size = models.PositiveIntegerField(_("抽查数量"), null=True, blank=True)
    sample_unit = models.CharField(_("抽查单位"), max_length=12, blank=True, help_text=_("如 户、处、桶"))
    needs_photo = models.BooleanField(_("须拍照"), default=True)
    needs_location = models.BooleanField(_("须定位"), default=True)
    needs_count = models.BooleanField(_("须记数量"), default=True)
    category = models.ForeignKey(CatalogueItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("对应问题分类"),
                                 help_text=_("扣分问题属于街面问题时，立案所用的分类"))

    class Meta:
        verbose_name = _("细则条目")
        verbose_name_plural = _("细则条目")
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(fields=["section", "position"], name="checklist_item_position"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()
