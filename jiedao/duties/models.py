"""Recurring duties (长效保洁, 河长制 patrols, the upkeep of facilities): the plans that say who must
do what to which things how often and what counts, the works done against them (kept whether they
count or not), contractors' contracts and what a missed duty led to.

The things a duty is about (a street, a river segment, a cleaning zone, an asset) live in other
apps' registers; they declare themselves in `registry.py`. A plan names its subjects by the
register's key and either explicit items (`DutyPlanTarget`) or a filter the register offers. The
arithmetic of frequencies is in `frequency.py` (pure), the writes in `services.py`, the reads and
the compliance figures in `selectors.py`, who may see and edit what in `access.py`."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedao.checklists.models import Checklist
from jiedao.one_row import OneRowPolicy
from jiedao.territory.models import Organisation, Role, Unit, UnitLevel

from . import frequency


class DutyKind(models.TextChoices):
    PATROL = "patrol", _("巡查/巡河")
    CLEAN = "clean", _("保洁")
    INSPECT = "inspect", _("巡检")
    MAINTAIN = "maintain", _("养护")


class FrequencyUnit(models.TextChoices):
    DAY = frequency.DAY, _("日")
    WEEK = frequency.WEEK, _("周")
    XUN = frequency.XUN, _("旬")
    MONTH = frequency.MONTH, _("月")
    QUARTER = frequency.QUARTER, _("季度")
    YEAR = frequency.YEAR, _("年")


class InvalidReason(models.TextChoices):
    """Why a done work does not count (it is kept and shown with these)."""
    TOO_SHORT = "too_short", _("时长不足")
    TOO_SHORT_DISTANCE = "too_short_distance", _("距离不足")
    LOW_COVERAGE = "low_coverage", _("覆盖率不足")
    TOO_FEW_PHOTOS = "too_few_photos", _("照片不足")
    ENDS_BEFORE_START = "ends_before_start", _("结束早于开始")
    OUTSIDE_SCOPE = "outside_scope", _("对象不在职责范围内")


class DutyPlan(models.Model):
    """Who (a role held at a unit level or under a unit, a named person, or a contractor), what (a
    kind and optionally a checklist), where (a register's subjects: explicit items or a filter), how
    often (per day/week/旬/month/quarter/year, working days or any day, a seasonal window) and what
    counts (minimum duration, distance, coverage share, photos). Frequencies are data, seeded as
    samples (standards.md §5 gives them per province; `basis` says which one a default follows)."""

    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=12, choices=DutyKind.choices)
    # WHO
    assignee_role = models.CharField(_("责任角色"), max_length=24, choices=Role.choices, blank=True)
    assignee_level = models.CharField(_("角色所在层级"), max_length=16, choices=UnitLevel.choices, blank=True,
                                      help_text=_("如 村级河长：角色“河长”、层级“社区（村）”"))
    assignee_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                      verbose_name=_("角色所在单位"), help_text=_("留空为全街道"))
    assignee_person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="duty_plans", verbose_name=_("责任人"))
    assignee_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                              related_name="duty_plans", verbose_name=_("作业单位"))
    # WHAT
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("检查表"))
    # WHERE
    subject_kind = models.CharField(_("对象类型"), max_length=40,
                                    help_text=_("登记册的键，如 road、river_segment、cleaning_zone、asset"))
    target_filter = models.JSONField(_("对象筛选"), default=dict, blank=True,
                                     help_text=_("未列出具体对象时，按登记册提供的条件选取，如 {\"grade\": \"1\"}；空为全部"))
    per_subject = models.BooleanField(_("每个对象分别计"), default=True,
                                      help_text=_("勾选：每个对象每期都要达到次数；不勾选：所有对象合计"))
    # HOW OFTEN
    frequency_unit = models.CharField(_("周期"), max_length=8, choices=FrequencyUnit.choices,
                                      default=FrequencyUnit.WEEK)
    times_per_period = models.PositiveSmallIntegerField(_("每期次数"), default=1,
                                                        validators=[MinValueValidator(1), MaxValueValidator(366)])
    working_days_only = models.BooleanField(_("仅工作日"), default=False)
    season_start_month = models.PositiveSmallIntegerField(
        _("时段开始月"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)])
    season_end_month = models.PositiveSmallIntegerField(
        _("时段结束月"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("如 3–12 月；开始月大于结束月表示跨年，如 11–3 月"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    # WHAT COUNTS
    min_duration_minutes = models.PositiveIntegerField(_("最短时长（分钟）"), default=0)
    min_distance_m = models.PositiveIntegerField(_("最短距离（米）"), default=0)
    min_coverage = models.DecimalField(_("最低覆盖率"), max_digits=4, decimal_places=3, null=True, blank=True,
                                       validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
                                       help_text=_("0–1，如 0.3 表示每次至少覆盖 30%"))
    min_photos = models.PositiveSmallIntegerField(_("最少照片数"), default=0)
    basis = models.CharField(_("依据"), max_length=255, blank=True,
                             help_text=_("如 参照《甘肃省河湖日常巡查监管制度(试行)》"))
    is_sample = models.BooleanField(_("示例值"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    seed_key = models.CharField(max_length=60, blank=True, editable=False,
                                help_text="set by seed_duties: the default this row came from")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("职责计划")
        verbose_name_plural = _("职责计划")
        ordering = ["kind", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(times_per_period__gte=1), name="duty_plan_times_positive"),
            models.CheckConstraint(
                condition=(models.Q(season_start_month__isnull=True) & models.Q(season_end_month__isnull=True))
                | (models.Q(season_start_month__gte=1) & models.Q(season_start_month__lte=12)
                   & models.Q(season_end_month__gte=1) & models.Q(season_end_month__lte=12)),
                name="duty_plan_season_months"),
            models.CheckConstraint(
                condition=models.Q(assignee_person__isnull=False) | models.Q(assignee_organisation__isnull=False)
                | ~models.Q(assignee_role=""),
                name="duty_plan_has_assignee"),
            models.UniqueConstraint(fields=["seed_key"], condition=~models.Q(seed_key=""),
                                    name="duty_plan_seed_key_once"),
        ]
        indexes = [
            # the plans a person is on: by role (duties_due), by person, by contractor
            models.Index(fields=["assignee_role", "is_active"], name="duty_plan_by_role"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def schedule(self) -> frequency.Schedule:
        return frequency.Schedule(
            unit=self.frequency_unit, times=self.times_per_period, working_days_only=self.working_days_only,
            season_start_month=self.season_start_month, season_end_month=self.season_end_month,
            starts_on=self.starts_on, ends_on=self.ends_on)

    def frequency_text(self) -> str:
        text = _("每%(unit)s %(times)s 次") % {"unit": self.get_frequency_unit_display(),
                                              "times": self.times_per_period}
        if self.working_days_only:
            text = _("%(text)s（仅工作日）") % {"text": text}
        if self.season_start_month:
            text = _("%(start)s–%(end)s 月 %(text)s") % {
                "start": self.season_start_month, "end": self.season_end_month, "text": text}
        return str(text)


class DutyPlanTarget(models.Model):
    """One explicit subject of a plan, an item of the plan's register (`plan.subject_kind`)."""

    plan = models.ForeignKey(DutyPlan, on_delete=models.CASCADE, related_name="targets", verbose_name=_("职责计划"))
    object_id = models.PositiveBigIntegerField(_("对象编号"))

    class Meta:
        verbose_name = _("计划对象")
        verbose_name_plural = _("计划对象")
        constraints = [models.UniqueConstraint(fields=["plan", "object_id"], name="duty_plan_target_once")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.object_id}"


class DutyWork(models.Model):
    """One done duty: a patrol, a cleaning round, an inspection or maintenance of a subject, with
    what was measured and whether it counts against its plan's minimums. A work that does not
    count is kept with its reasons (`invalid_reasons`, codes of `InvalidReason`), never dropped.
    The record it came from (a river patrol, a field submission) is `source`: one work per source."""

    plan = models.ForeignKey(DutyPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="works",
                             verbose_name=_("职责计划"))
    kind = models.CharField(_("类型"), max_length=12, choices=DutyKind.choices)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="duty_works", verbose_name=_("人员"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="duty_works", verbose_name=_("作业单位"))
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("对象类型"))
    subject_id = models.PositiveBigIntegerField(_("对象编号"))
    # The subject's unit (its register's unit_of) or else the person's, when recorded: figures per unit.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("所属单位"))
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"))
    # The local (Asia/Shanghai) day it started: periods are whole local days.
    on_date = models.DateField(_("日期"), editable=False)
    duration_seconds = models.PositiveIntegerField(_("时长（秒）"), default=0)
    distance_m = models.PositiveIntegerField(_("距离（米）"), default=0)
    coverage = models.DecimalField(_("覆盖率"), max_digits=4, decimal_places=3, null=True, blank=True)
    photo_count = models.PositiveSmallIntegerField(_("照片数"), default=0)
    is_valid = models.BooleanField(_("有效"), default=True)
    invalid_reasons = models.JSONField(_("不计入原因"), default=list, blank=True)
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("来源类型"))
    source_id = models.PositiveBigIntegerField(_("来源编号"), null=True, blank=True)
    created_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("履职记录")
        verbose_name_plural = _("履职记录")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["source_type", "source_id"], name="duty_work_once_per_source",
                                    condition=models.Q(source_id__isnull=False)),
        ]
        indexes = [
            # compliance: every plan's works of a range of days, grouped (selectors.compliance_rows);
            # the grouped columns ride along so PostgreSQL reads the index alone
            models.Index(fields=["on_date", "plan", "person", "organisation", "subject_id", "is_valid"],
                         name="duty_work_compliance"),
            # the works behind one plan's figure (drill-down), newest first
            models.Index(fields=["plan", "-started_at"], name="duty_work_of_plan"),
            # a person's own works (/duties/mine/), newest first
            models.Index(fields=["person", "-started_at"], name="duty_work_of_person"),
            # a contractor's works
            models.Index(fields=["organisation", "-started_at"], name="duty_work_of_organisation"),
            # the works on one subject (a register's page)
            models.Index(fields=["subject_type", "subject_id", "-started_at"], name="duty_work_of_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration_minutes(self) -> int:
        return self.duration_seconds // 60

    def reason_labels(self) -> list[str]:
        labels = dict(InvalidReason.choices)
        return [str(labels.get(code, code)) for code in self.invalid_reasons]


class Contract(models.Model):
    """A cleaning or maintenance contract: the contractor, the subjects it covers (a register's items
    or a filter), its term and figures. The contractor's staff see only what their contract covers."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="duty_contracts",
                                     verbose_name=_("作业单位"))
    code = models.CharField(_("合同编号"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    subject_kind = models.CharField(_("对象类型"), max_length=40)
    target_filter = models.JSONField(_("对象筛选"), default=dict, blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("作业合同")
        verbose_name_plural = _("作业合同")
        ordering = ["organisation", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ContractTarget(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="targets",
                                 verbose_name=_("作业合同"))
    object_id = models.PositiveBigIntegerField(_("对象编号"))

    class Meta:
        verbose_name = _("合同对象")
        verbose_name_plural = _("合同对象")
        constraints = [models.UniqueConstraint(fields=["contract", "object_id"], name="contract_target_once")]

    def __str__(self) -> str:
        return f"{self.contract} · {self.object_id}"


class ContractFigure(models.Model):
    """A figure the contract sets, as data: 保洁员配比 500:1 (value 500, unit "m²/人"), 响应时间 2 小时."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="figures",
                                 verbose_name=_("作业合同"))
    name = models.CharField(_("指标"), max_length=60)
    value = models.DecimalField(_("数值"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("合同指标")
        verbose_name_plural = _("合同指标")
        constraints = [models.UniqueConstraint(fields=["contract", "name"], name="contract_figure_once")]

    def __str__(self) -> str:
        return f"{self.name} {self.value:g} {self.unit}".strip()


class DutyPolicy(OneRowPolicy):
    """What a missed duty leads to (thresholds as data): a reminder at once, a step of the
    escalation ladder after this many missed periods in a row, an accountability finding (落实不力)
    after this many missed periods within the look-back window. Sample values."""

    escalate_after_missed = models.PositiveSmallIntegerField(_("连续缺失几期升级督办"), default=2,
                                                             validators=[MinValueValidator(1)])
    finding_after_missed = models.PositiveSmallIntegerField(_("几期缺失记入问责清单"), default=3,
                                                            validators=[MinValueValidator(1)])
    look_back_days = models.PositiveSmallIntegerField(_("回看天数"), default=90, validators=[MinValueValidator(1)])
    escalation_step = models.ForeignKey("supervision.EscalationStep", on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="+", verbose_name=_("升级使用的督办级别"),
                                        help_text=_("留空为督办级别表中的“督办”"))

    class Meta:
        verbose_name = _("履职缺失处理标准")
        verbose_name_plural = _("履职缺失处理标准")


class MissedStage(models.TextChoices):
    REMINDED = "reminded", _("已提醒")
    ESCALATED = "escalated", _("已升级督办")
    FINDING = "finding", _("已记入问责清单")


class MissedDuty(models.Model):
    """A period of a plan an obligated person or contractor did not fulfil (valid done < required),
    written once when the period has ended, with how far its consequences went."""

    plan = models.ForeignKey(DutyPlan, on_delete=models.PROTECT, related_name="missed", verbose_name=_("职责计划"))
    period_start = models.DateField(_("周期开始"))
    period_end = models.DateField(_("周期结束"), help_text=_("不含当日"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("人员"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("作业单位"))
    subject_id = models.PositiveBigIntegerField(_("对象编号"), null=True, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("所属单位"))
    required = models.PositiveIntegerField(_("应完成"))
    valid_done = models.PositiveIntegerField(_("有效完成"))
    stage = models.CharField(_("处理"), max_length=12, choices=MissedStage.choices, default=MissedStage.REMINDED)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    finding = models.ForeignKey("accountability.Finding", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="missed_duties", verbose_name=_("问责清单条目"))
    # plan:period_start:person:organisation:subject — one row per obligation and period, whatever is null
    obligation_key = models.CharField(max_length=120, editable=False)
    created_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("缺失履职")
        verbose_name_plural = _("缺失履职")
        ordering = ["-period_start", "plan"]
        constraints = [models.UniqueConstraint(fields=["obligation_key"], name="missed_duty_once")]
        indexes = [models.Index(fields=["person", "-period_start"], name="missed_duty_of_person")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.period_start}"

    @property
    def missed(self) -> int:
        return max(self.required - self.valid_done, 0)
