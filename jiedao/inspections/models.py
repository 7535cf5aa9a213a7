"""Inspections (检查 / 暗访 / 考评) against a checklist version, their item results with evidence,
the plans that say who inspects what how often, and re-inspections (复查) of the failed items.

An inspection keeps the checklist VERSION it was scored on (versions never change once
published), so its stored score can always be recomputed from its results by
`checklists.scoring` and agrees with what was stored at submission. Deductions on items with a
catalogue category become cases through the case services at submission; the result keeps the
case it became. The arithmetic of re-inspection deductions is in `scores.py`, the writes in
`services.py`, the reads in `selectors.py`, who may do and see what in `access.py`."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedao.cases.models import Case
from jiedao.checklists.models import SCORE, Checklist, ChecklistItem, ChecklistVersion
from jiedao.one_row import OneRowPolicy
from jiedao.territory.models import Role, Unit


class InspectionKind(models.TextChoices):
    NOTIFIED = "notified", _("通知检查")
    UNANNOUNCED = "unannounced", _("暗访")


class InspectionState(models.TextChoices):
    DRAFT = "draft", _("检查中")
    SUBMITTED = "submitted", _("已提交")


class Frequency(models.TextChoices):
    WEEK = "week", _("每周")
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")


class Outcome(models.TextChoices):
    # standards.md §7 point 3: "Separate deductions for 未整改、未整改到位、虚假整改" (金牛)
    RECTIFIED = "rectified", _("已整改")
    NOT_RECTIFIED = "not_rectified", _("未整改")
    PARTLY_RECTIFIED = "partly_rectified", _("整改不到位")
    FALSE_RECTIFICATION = "false_rectification", _("虚假整改")


# The outcomes that count against the unit (a deduction each, and the accountability rule).
FAILED_OUTCOMES = frozenset({Outcome.NOT_RECTIFIED, Outcome.PARTLY_RECTIFIED, Outcome.FALSE_RECTIFICATION})


class InspectionPolicy(OneRowPolicy):
    """What a failed re-inspection costs the unit, per item, taken off the inspection's score.
    Sample values: the office sets its own (standards.md §7 point 3 names the outcomes, not the points)."""

    deduction_not_rectified = models.DecimalField(_("未整改每项扣分"), **SCORE, default=Decimal(2),
                                                  validators=[MinValueValidator(Decimal(0))])
    deduction_partly_rectified = models.DecimalField(_("整改不到位每项扣分"), **SCORE, default=Decimal(1),
                                                     validators=[MinValueValidator(Decimal(0))])
    deduction_false_rectification = models.DecimalField(_("虚假整改每项扣分"), **SCORE, default=Decimal(5),
                                                        validators=[MinValueValidator(Decimal(0))])

    class Meta:
        verbose_name = _("复查扣分标准")
        verbose_name_plural = _("复查扣分标准")

    def deduction_for(self, outcome: str) -> Decimal:
        return {
            Outcome.NOT_RECTIFIED: self.deduction_not_rectified,
            Outcome.PARTLY_RECTIFIED: self.deduction_partly_rectified,
            Outcome.FALSE_RECTIFICATION: self.deduction_false_rectification,
        }.get(outcome, Decimal(0))


class InspectionPlan(models.Model):
    """A schedule: which checklist, who inspects (a person, or whoever holds a role at a unit),
    which units or named places, how often, and whether announced or unannounced (暗访)."""

    name = models.CharField(_("名称"), max_length=120)
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="plans",
                                  verbose_name=_("考评细则"))
    kind = models.CharField(_("检查方式"), max_length=12, choices=InspectionKind.choices,
                            default=InspectionKind.NOTIFIED)
    frequency = models.CharField(_("频次"), max_length=8, choices=Frequency.choices, default=Frequency.MONTH)
    times_per_period = models.PositiveSmallIntegerField(_("每期次数"), default=1,
                                                        validators=[MinValueValidator(1), MaxValueValidator(31)])
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="inspection_plans", verbose_name=_("检查人"))
    inspector_role = models.CharField(_("检查角色"), max_length=24, choices=Role.choices, blank=True,
                                      help_text=_("不指定检查人时，由在“角色所在单位”担任该角色的人员检查"))
    inspector_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                       verbose_name=_("角色所在单位"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("检查计划")
        verbose_name_plural = _("检查计划")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(inspector__isnull=False)
                | (~models.Q(inspector_role="") & models.Q(inspector_unit__isnull=False)),
                name="inspection_plan_has_inspector",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class InspectionPlanTarget(models.Model):
    """One unit (a community, a village, a grid) or a named place inside it that the plan inspects."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="targets",
                             verbose_name=_("检查计划"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("检查对象"))
    place = models.CharField(_("具体地点"), max_length=200, blank=True, help_text=_("如 某农贸市场、某背街小巷"))

    class Meta:
        verbose_name = _("检查对象")
        verbose_name_plural = _("检查对象")
        ordering = ["plan", "unit__path", "place"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "unit", "place"], name="inspection_plan_target_once"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.place}".strip()


class Inspection(models.Model):
    # Chosen by the device (crypto.randomUUID) so an inspection can start without signal.
    client_id = models.UUIDField(_("设备端编号"), unique=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey(ChecklistVersion, on_delete=models.PROTECT, related_name="inspections",
                                verbose_name=_("细则版本"))
    # The version's checklist, kept on the row: scores per checklist are one aggregate without a join.
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="inspections",
                                  verbose_name=_("考评细则"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("被检查单位"))
    # The unit's materialised path at the time: "inspections under this unit" is one prefix match.
    unit_path = models.CharField(_("单位路径"), max_length=255, editable=False)
    place = models.CharField(_("具体地点"), max_length=200, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspections",
                                  verbose_name=_("检查人"))
    kind = models.CharField(_("检查方式"), max_length=12, choices=InspectionKind.choices,
                            default=InspectionKind.NOTIFIED)
    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="inspections", verbose_name=_("检查计划"))
    state = models.CharField(_("状态"), max_length=12, choices=InspectionState.choices,
                             default=InspectionState.DRAFT)
    started_at = models.DateTimeField(_("开始时间"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    # Computed by checklists.scoring at submission (services.inspection_submit) and recomputable.
    max_score = models.DecimalField(_("满分"), **SCORE, null=True, blank=True)
    total = models.DecimalField(_("检查得分"), **SCORE, null=True, blank=True)
    base = models.DecimalField(_("基本分"), **SCORE, null=True, blank=True)
    bonus = models.DecimalField(_("加分"), **SCORE, null=True, blank=True)
    vetoed = models.BooleanField(_("一票否决"), default=False)
    deduction_count = models.PositiveIntegerField(_("扣分项数"), default=0)
    # What failed re-inspections took off (复查扣分); `score` = max(total − it, 0) is what units are ranked on.
    reinspection_deduction = models.DecimalField(_("复查扣分"), **SCORE, default=Decimal(0))
    score = models.DecimalField(_("最终得分"), **SCORE, null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("检查")
        verbose_name_plural = _("检查")
        ordering = ["-started_at", "-pk"]
        indexes = [
            # scores per unit and period of one checklist (selectors.unit_scores)
            models.Index(fields=["checklist", "state", "submitted_at"], name="inspection_scores"),
            # the list under a unit, newest first
            models.Index(fields=["unit_path", "-started_at"], name="inspection_under_unit"),
            # an inspector's own inspections, newest first
            models.Index(fields=["inspector", "-started_at"], name="inspection_by_inspector"),
            # a plan's inspections in a period (what is due, what is missing)
            models.Index(fields=["plan", "unit", "submitted_at"], name="inspection_of_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} · {self.checklist.name} · {self.started_at:%Y-%m-%d}"

    @property
    def is_submitted(self) -> bool:
        return self.state == InspectionState.SUBMITTED


class InspectionResult(models.Model):
    """What the inspector found on one item: how many occurrences, whether the veto condition was
    found, a note, a point and photos; the item's score; and the case the deduction became."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results",
                                   verbose_name=_("检查"))
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("细则条目"))
    occurrences = models.PositiveIntegerField(_("发现处数"), default=0)
    vetoed = models.BooleanField(_("发现否决情形"), default=False)
    note = models.TextField(_("说明"), blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    score = models.DecimalField(_("本项得分"), **SCORE, default=Decimal(0))
    lost = models.DecimalField(_("本项扣分"), **SCORE, default=Decimal(0))
    added = models.DecimalField(_("本项加分"), **SCORE, default=Decimal(0))
    # Points were lost here (a deduction, or a veto found): the items a re-inspection looks at.
    failed = models.BooleanField(_("扣分"), default=False)
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("立案案件"))
    scored_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering = ["inspection", "item__section__position", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="inspection_result_once"),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id} · {self.item}"


class InspectionPhoto(models.Model):
    result = models.ForeignKey(InspectionResult, on_delete=models.CASCADE, related_name="photos",
                               verbose_name=_("检查结果"))
    image = models.ImageField(_("照片"), upload_to="inspections/%Y/%m/")
    thumbnail = models.ImageField(_("缩略图"), upload_to="inspections/thumbs/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("检查照片")
        verbose_name_plural = _("检查照片")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.result_id} · {self.pk}"


class SubmissionKind(models.TextChoices):
    START = "start", _("开始检查")
    ITEM = "item", _("记录条目")
    SUBMIT = "submit", _("提交检查")
    REINSPECT = "reinspect", _("复查")


class InspectionSubmission(models.Model):
    """One request made with its own idempotency key, written in the same transaction as what it
    did: a replay of the key with the same body gets the first answer (cases/idempotency.py); with
    another body it is refused (422)."""

    key = models.CharField(_("幂等键"), max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("提交人"))
    kind = models.CharField(_("类型"), max_length=12, choices=SubmissionKind.choices)
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="submissions", verbose_name=_("检查"))
    status = models.PositiveSmallIntegerField(_("首次应答状态码"))
    response = models.JSONField(_("首次应答"), default=dict)
    body_fingerprint = models.CharField(_("提交内容摘要"), max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("检查提交记录")
        verbose_name_plural = _("检查提交记录")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"


class Reinspection(models.Model):
    """复查: a later visit to the items an inspection failed, one outcome per item."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="reinspections",
                                   verbose_name=_("原检查"))
    # The inspected unit, kept on the row: the accountability rule counts failed re-inspections per unit.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("被检查单位"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("复查人"))
    reinspected_at = models.DateTimeField(_("复查时间"))
    note = models.TextField(_("复查意见"), blank=True)
    failed_count = models.PositiveIntegerField(_("未通过项数"), default=0)
    false_count = models.PositiveIntegerField(_("虚假整改项数"), default=0)
    deduction = models.DecimalField(_("复查扣分"), **SCORE, default=Decimal(0))

    class Meta:
        verbose_name = _("复查")
        verbose_name_plural = _("复查")
        ordering = ["-reinspected_at", "-pk"]
        indexes = [
            # the accountability rule: failed re-inspections of a period, per unit
            models.Index(fields=["reinspected_at", "unit"], name="reinspection_period"),
        ]

    def __str__(self) -> str:
        return f"{self.inspection} · {self.reinspected_at:%Y-%m-%d}"

    @property
    def is_failed(self) -> bool:
        return self.failed_count > 0


class ReinspectionItem(models.Model):
    reinspection = models.ForeignKey(Reinspection, on_delete=models.CASCADE, related_name="items",
                                     verbose_name=_("复查"))
    result = models.ForeignKey(InspectionResult, on_delete=models.PROTECT, related_name="reinspections",
                               verbose_name=_("检查结果"))
    outcome = models.CharField(_("复查结论"), max_length=20, choices=Outcome.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    # The policy's deduction at the time (a later change of the policy does not rescore the past).
    deduction = models.DecimalField(_("扣分"), **SCORE, default=Decimal(0))
    # A problem found again after its case was closed goes back into the loop as a new case.
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("新立案件"))

    class Meta:
        verbose_name = _("复查条目")
        verbose_name_plural = _("复查条目")
        ordering = ["reinspection", "result__item__section__position", "result__item__position"]
        constraints = [
            models.UniqueConstraint(fields=["reinspection", "result"], name="reinspection_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.result} · {self.get_outcome_display()}"

    @property
    def is_failed(self) -> bool:
        return self.outcome in FAILED_OUTCOMES
