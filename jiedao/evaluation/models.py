"""What an administrator can change about the evaluation (weights, stepped tables, grades,
ranking rules) and what the office publishes (ranking snapshots). Seeded from standards.md §3.3
by `manage.py seed_evaluation`."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedao.territory.models import UnitLevel

from .indicators import validate_stepped_table, validate_weights


class ObjectType(models.TextChoices):
    # standards.md §1.6: 岗位评价, 部门评价, 区域评价
    FIELD_WORKER = "field_worker", _("网格员/监督员")
    DEPARTMENT = "department", _("职能部门")
    REGION = "region", _("区域")
    # §3.3 the command centre's posts
    INTAKE_CLERK = "intake_clerk", _("受理员")
    SHIFT_LEAD = "shift_lead", _("值班长")
    DISPATCHER = "dispatcher", _("派遣员")


class VolumeBasis(models.TextChoices):
    """What the 专业部门 立案数分值 steps (standards.md §3.3 says 立案数)."""

    FILED = "filed", _("立案数（标准口径）")
    DUE_HANDLING = "due_handling", _("应处置数（派遣给该部门的案件数）")


class PeriodType(models.TextChoices):
    WEEK = "week", _("周")
    MONTH = "month", _("月")
    QUARTER = "quarter", _("季度")
    CUSTOM = "custom", _("自定义")


class ScoringScheme(models.Model):
    """综合指标值 of one kind of object: weights (percent, summing to 100) of named scores, and the
    stepped tables that turn volumes into scores (standards.md §3.3)."""

    object_type = models.CharField(_("评价对象"), max_length=16, choices=ObjectType.choices, unique=True)
    weights = models.JSONField(_("权重（%）"), default=dict,
                               help_text=_("各项分值的权重，合计须为 100%"))
    stepped_tables = models.JSONField(_("分档表"), default=dict, blank=True,
                                      help_text=_("数量类分值的分档表（如立案数分值），区域按一类/二类区域分别设置"))
    volume_basis = models.CharField(
        _("部门立案数分值口径"), max_length=16, choices=VolumeBasis.choices, default=VolumeBasis.FILED,
        help_text=_("仅职能部门：立案数分值按立案数（GB/T 30428.4，标准口径）或按应处置数分档"))
    source = models.CharField(_("依据"), max_length=255, blank=True)
    note = models.TextField(_("说明"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("综合评价方案")
        verbose_name_plural = _("综合评价方案")

    def __str__(self) -> str:
        return self.get_object_type_display()

    def clean(self) -> None:
        errors = {}
        try:
            validate_weights(self.weights)
        except ValidationError as error:
            errors["weights"] = error
        try:
            for name, table in (self.stepped_tables or {}).items():
                if isinstance(table, dict) and "steps" not in table:  # per grid class
                    for grid_class, class_table in table.items():
                        validate_stepped_table(class_table, name=f"{name}/{grid_class}")
                else:
                    validate_stepped_table(table, name=name)
        except ValidationError as error:
            errors["stepped_tables"] = error
        if errors:
            raise ValidationError(errors)


class GradeScale(models.Model):
    """评价等级: the lowest 综合指标值 of each grade (standards.md §3.3: A ≥90 … E <40)."""

    grade = models.CharField(_("等级"), max_length=2, unique=True)
    min_score = models.DecimalField(_("最低分值"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("评价等级")
        verbose_name_plural = _("评价等级")
        ordering = ["-min_score"]

    def __str__(self) -> str:
        return f"{self.grade} ≥ {self.min_score}"


class RankingRule(models.Model):
    """How one level is ranked and who goes on the 红榜 and the 黑榜 (standards.md §7 item 4:
    "红榜 (top N or ≥ a threshold) and 黑榜 (bottom N, veto hits, or overdue)"). Where both a count
    and a threshold are set, both must hold. A veto puts the object on the 黑榜 and off the 红榜."""

    name = models.CharField(_("名称"), max_length=100)
    object_type = models.CharField(_("评价对象"), max_length=16, choices=ObjectType.choices,
                                   default=ObjectType.REGION)
    level = models.CharField(_("层级"), max_length=16, choices=UnitLevel.choices, blank=True,
                             help_text=_("区域评价时必填"))
    period_type = models.CharField(_("周期"), max_length=8, choices=PeriodType.choices, default=PeriodType.MONTH)
    red_top_n = models.PositiveSmallIntegerField(_("红榜前 N 名"), null=True, blank=True)
    red_min_score = models.DecimalField(_("红榜最低分"), max_digits=5, decimal_places=2, null=True, blank=True)
    black_bottom_n = models.PositiveSmallIntegerField(_("黑榜后 N 名"), null=True, blank=True)
    black_max_score = models.DecimalField(_("黑榜分数线（低于）"), max_digits=5, decimal_places=2, null=True,
                                          blank=True)
    veto_overdue_pending_over = models.PositiveIntegerField(
        _("一票否决：超期待处置数超过"), null=True, blank=True,
        help_text=_("超期待处置案件数超过该值即列入黑榜；留空不启用"))
    veto_error_closure = models.BooleanField(_("一票否决：有差错结案"), default=False)
    # Issue 9: a ranking may use an inspection checklist's average score, alone or weighted with
    # the case indicators' 综合指标值.
    inspection_checklist = models.ForeignKey(
        "checklists.Checklist", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("检查考评细则"), help_text=_("按该细则检查的平均得分（折算为百分制）参与排名"))
    inspection_weight = models.PositiveSmallIntegerField(
        _("检查得分权重（%）"), default=0, validators=[MaxValueValidator(100)],
        help_text=_("0 只看案件指标，100 只看检查得分，其间按权重合成"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("排名规则")
        verbose_name_plural = _("排名规则")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.object_type == ObjectType.REGION and not self.level:
            raise ValidationError({"level": _("区域排名须选择层级")})
        if self.level == UnitLevel.DISTRICT:
            raise ValidationError({"level": _("区级以下的层级才能排名")})
        if self.inspection_weight and not self.inspection_checklist_id:
            raise ValidationError({"inspection_checklist": _("设置了检查得分权重，须选择考评细则")})
        if self.inspection_checklist_id and self.object_type != ObjectType.REGION:
            raise ValidationError({"inspection_checklist": _("检查得分只用于区域排名")})

    @property
    def uses_inspections(self) -> bool:
        return bool(self.inspection_checklist_id and self.inspection_weight)


class RankingPublication(models.Model):
    """A computed ranking of one period, kept as a snapshot of its rows. Publishing freezes it:
    the public page and the next period's movement read these rows, never a recomputation."""

    rule = models.ForeignKey(RankingRule, on_delete=models.PROTECT, related_name="publications",
                             verbose_name=_("排名规则"))
    period_start = models.DateTimeField(_("周期开始"))
    period_end = models.DateTimeField(_("周期结束"))
    rows = models.JSONField(_("排名数据"), default=list)
    computed_at = models.DateTimeField(_("计算时间"))
    is_published = models.BooleanField(_("已发布"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("发布人"))

    class Meta:
        verbose_name = _("排名发布")
        verbose_name_plural = _("排名发布")
        constraints = [
            models.UniqueConstraint(fields=["rule", "period_start", "period_end"],
                                    name="ranking_publication_one_per_period"),
        ]
        indexes = [
            # the public page: the latest published rankings of a rule
            models.Index(fields=["rule", "is_published", "-period_end"], name="ranking_published_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"
