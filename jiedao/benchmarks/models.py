"""对标创建: the titles an office works towards (省级文明街道, 美丽宜居示范街道, any it defines), their
criteria, the evidence uploaded for the criteria no figure can prove, and other sub-districts'
figures to set beside ours.

A criterion is measured either by a figure Jiedao already computes (`evaluation/measures.py`, by
its key) against a required value, or by evidence a reviewer accepts. The titles and criteria are
the office's data, edited in the admin; the seeded ones are samples (`is_sample`). Evidence is
append-only: a new submission supersedes the previous one, which stays with its decision."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedao.evaluation.measures import AREA, COUNT, PERCENT, SCORE, UnknownMeasure, measure_for
from jiedao.territory.models import Organisation, Unit

SAMPLE_NOTE = _("示例，请按实际创建标准修改")


class MeasureUnit(models.TextChoices):
    PERCENT = PERCENT, "%"
    SCORE = SCORE, _("分")
    COUNT = COUNT, _("件")
    AREA = AREA, "m²"


def validate_unit_value(value: Decimal | None, unit: str, *, field: str) -> None:
    """A figure in this unit: never negative; a percentage at most 100; a count a whole number."""
    if value is None:
        return
    if value < 0:
        raise ValidationError({field: _("数值不能为负数")}, code="negative")
    if unit == MeasureUnit.PERCENT and value > 100:
        raise ValidationError({field: _("百分比不能超过 100")}, code="over_100")
    if unit == MeasureUnit.COUNT and value != value.to_integral_value():
        raise ValidationError({field: _("件数须为整数")}, code="whole")


class TargetTitle(models.Model):
    name = models.CharField(_("创建称号"), max_length=100, unique=True)
    level = models.CharField(_("级别"), max_length=20, blank=True, help_text=_("例如：国家级、省级、市级"))
    description = models.TextField(_("说明"), blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("创建单位"), help_text=_("留空为本街道"))
    is_active = models.BooleanField(_("启用"), default=True)
    is_sample = models.BooleanField(_("示例内容"), default=False, help_text=SAMPLE_NOTE)

    class Meta:
        verbose_name = _("创建称号")
        verbose_name_plural = _("创建称号")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Method(models.TextChoices):
    MEASURE = "measure", _("按系统指标")
    EVIDENCE = "evidence", _("按上传佐证材料")


class Comparator(models.TextChoices):
    AT_LEAST = ">=", _("≥ 不低于")
    AT_MOST = "<=", _("≤ 不高于")


class Criterion(models.Model):
    title = models.ForeignKey(TargetTitle, on_delete=models.CASCADE, related_name="criteria",
                              verbose_name=_("创建称号"))
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    group = models.CharField(_("类别"), max_length=50, blank=True, help_text=_("例如：市容环境、为民服务"))
    name = models.CharField(_("指标名称"), max_length=100)
    description = models.TextField(_("标准要求"), blank=True)
    method = models.CharField(_("考核方式"), max_length=10, choices=Method.choices, default=Method.MEASURE)
    measure_key = models.CharField(_("系统指标"), max_length=100, blank=True,
                                   help_text=_("按系统指标考核时选择"))
    comparator = models.CharField(_("比较"), max_length=2, choices=Comparator.choices, blank=True,
                                  help_text=_("留空时按指标方向：越高越好为“不低于”，越低越好为“不高于”"))
    required_value = models.DecimalField(_("要求值"), max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=4, choices=MeasureUnit.choices, blank=True,
                            help_text=_("按系统指标考核时取指标的单位"))
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2, null=True, blank=True,
                                 help_text=_("可选；设置后汇总时给出加权达标率"))
    department = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="benchmark_criteria", verbose_name=_("责任部门"))
    is_sample = models.BooleanField(_("示例内容"), default=False, help_text=SAMPLE_NOTE)

    class Meta:
        verbose_name = _("创建指标")
        verbose_name_plural = _("创建指标")
        ordering = ["title", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__isnull=True) | models.Q(weight__gt=0),
                                   name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.name}"

    @property
    def is_measured(self) -> bool:
        return self.method == Method.MEASURE

    def clean(self) -> None:
        if self.method == Method.EVIDENCE:
            self.measure_key, self.comparator, self.required_value = "", "", None
        else:
            self._clean_measured()
        if self.weight is not None and self.weight <= 0:
            raise ValidationError({"weight": _("权重须大于 0")}, code="weight")

    def _clean_measured(self) -> None:
        if not self.measure_key:
            raise ValidationError({"measure_key": _("按系统指标考核须选择一项指标")}, code="measure_missing")
        try:
            measure = measure_for(self.measure_key)
        except UnknownMeasure as error:
            raise ValidationError({"measure_key": error.message}, code="measure_unknown") from None
        if self.required_value is None:
            raise ValidationError({"required_value": _("按系统指标考核须填写要求值")}, code="required_missing")
        if self.unit and self.unit != measure.unit:
            raise ValidationError({"unit": _("指标“%(measure)s”的单位是 %(unit)s")
                                   % {"measure": measure.label, "unit": measure.unit}}, code="unit")
        self.unit = measure.unit
        if not self.comparator:
            self.comparator = Comparator.AT_LEAST if measure.higher_is_better else Comparator.AT_MOST
        validate_unit_value(self.required_value, self.unit, field="required_value")


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("通过")
    REJECTED = "rejected", _("不通过")


class EvidenceSubmission(models.Model):
    """One submission of evidence for a criterion. Written once by `evidence_submit`; the reviewer's
    decision is written once by `evidence_review`; never deleted. The newest submission of a
    criterion is the one that counts; the older ones are its history."""

    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="submissions",
                                  verbose_name=_("创建指标"))
    note = models.TextField(_("说明"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("提交人"))
    submitted_at = models.DateTimeField(_("提交时间"))
    decision = models.CharField(_("审核结果"), max_length=10, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("审核意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            # the latest submission of each criterion (the gap report, the review guard)
            models.Index(fields=["criterion", "-submitted_at", "-id"], name="evidence_latest_of_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.name} {timezone.localtime(self.submitted_at):%Y-%m-%d %H:%M}"


class FileKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    DOCUMENT = "document", _("文档")


class EvidenceFile(models.Model):
    """A photo (re-encoded without EXIF, like a case photo) or a document (PDF, .docx, .xlsx, checked
    by content). Served only through a view that checks who may read the criterion's evidence."""

    submission = models.ForeignKey(EvidenceSubmission, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(_("类型"), max_length=10, choices=FileKind.choices)
    file = models.FileField(_("文件"), upload_to="benchmarks/%Y/%m/")
    thumbnail = models.ImageField(_("缩略图"), upload_to="benchmarks/thumbs/%Y/%m/", blank=True)
    original_name = models.CharField(_("原文件名"), max_length=120)
    extension = models.CharField(max_length=8)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("佐证文件")
        verbose_name_plural = _("佐证文件")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class PeerUnit(models.Model):
    """Another sub-district whose figures are entered by hand to set beside ours (对标先进地区)."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    description = models.TextField(_("说明"), blank=True, help_text=_("例如：所在区县、已获称号、数据来源"))
    is_sample = models.BooleanField(_("示例内容"), default=False, help_text=SAMPLE_NOTE)

    class Meta:
        verbose_name = _("对标单位")
        verbose_name_plural = _("对标单位")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class PeerFigure(models.Model):
    peer = models.ForeignKey(PeerUnit, on_delete=models.CASCADE, related_name="figures", verbose_name=_("对标单位"))
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="peer_figures",
                                  verbose_name=_("创建指标"))
    first_day = models.DateField(_("统计期起"))
    last_day = models.DateField(_("统计期止"))
    value = models.DecimalField(_("数值"), max_digits=12, decimal_places=2)
    source_note = models.CharField(_("数据来源"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("对标单位数据")
        verbose_name_plural = _("对标单位数据")
        ordering = ["criterion", "-last_day"]
        constraints = [
            models.UniqueConstraint(fields=["peer", "criterion", "first_day", "last_day"],
                                    name="peer_figure_one_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.peer} · {self.criterion.name} {self.first_day}–{self.last_day}"

    def clean(self) -> None:
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError({"last_day": _("结束日期不能早于开始日期")}, code="period")
        if self.criterion_id is not None:
            if not self.criterion.is_measured:
                raise ValidationError({"criterion": _("只有按系统指标考核的指标才能录入对标数据")}, code="evidence")
            validate_unit_value(self.value, self.criterion.unit, field="value")
