"""The project library (项目库, issue 13 point 5): infrastructure, public-service and remediation
projects by kind (as data), where (a GeoJSON line or polygon, WGS-84), budget and spending (投入),
milestones with planned and actual dates, progress reports with photos, the cases that led to
each, the responsible department; overdue milestones join the escalation ladder."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedao.one_row import OneRowPolicy
from jiedao.territory.models import Organisation, Unit


class ProjectKind(models.Model):
    """道路修缮, 供水, 养老 …: a table the office extends, seeded by the first migration."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    group = models.CharField(_("类别"), max_length=50, blank=True,
                             help_text=_("如“基础设施”“公共服务”“整治”"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("项目类型")
        verbose_name_plural = _("项目类型")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class ProjectStage(models.TextChoices):
    PLANNED = "planned", _("储备")
    APPROVED = "approved", _("已立项")
    BUILDING = "building", _("在建")
    DONE = "done", _("已完工")


class Project(models.Model):
    """One project. `community` and `territory_path` come from the grid locator at a point of the
    geometry; the responsible department's staff report its progress."""

    name = models.CharField(_("项目名称"), max_length=100)
    kind = models.ForeignKey(ProjectKind, on_delete=models.PROTECT, related_name="projects",
                             verbose_name=_("项目类型"))
    stage = models.CharField(_("阶段"), max_length=16, choices=ProjectStage.choices, default=ProjectStage.PLANNED)
    description = models.TextField(_("建设内容"), blank=True)
    geometry = models.JSONField(_("位置（GeoJSON 线或面，WGS-84）"))
    community = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="projects",
                                  verbose_name=_("社区（村）"))
    territory_path = models.CharField(_("属地路径"), max_length=255, db_index=True)
    department = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="projects",
                                   verbose_name=_("责任部门"))
    budget = models.DecimalField(_("预算（元）"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal(0))])
    start_on = models.DateField(_("开工日期"))
    end_on = models.DateField(_("计划完工日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("录入人"))
    created_at = models.DateTimeField(_("录入时间"))

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["-start_on", "-pk"]
        indexes = [models.Index(fields=["territory_path", "stage"], name="project_area_by_stage")]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    """A step of the project with its planned and actual date. Overdue: the planned date has passed
    and no actual date is recorded (`schedule.milestone_days_late`)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones",
                                verbose_name=_("项目"))
    name = models.CharField(_("节点名称"), max_length=100)
    planned_on = models.DateField(_("计划完成日期"))
    actual_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("里程碑")
        verbose_name_plural = _("里程碑")
        ordering = ["project", "planned_on", "pk"]
        # the daily sweep: milestones due and not done
        indexes = [models.Index(fields=["actual_on", "planned_on"], name="milestone_due_open")]

    def __str__(self) -> str:
        return f"{self.name} · {self.planned_on}"


class Spending(models.Model):
    """One payment (投入) on the project; the project's 投入 is their sum."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="spendings",
                                verbose_name=_("项目"))
    spent_on = models.DateField(_("支出日期"))
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("录入人"))
    recorded_at = models.DateTimeField(_("录入时间"))

    class Meta:
        verbose_name = _("资金投入")
        verbose_name_plural = _("资金投入")
        ordering = ["project", "-spent_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.project_id} · {self.spent_on} · {self.amount}"


class ProgressReport(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports",
                                verbose_name=_("项目"))
    reported_on = models.DateField(_("报告日期"))
    percent = models.PositiveSmallIntegerField(_("形象进度（%）"), null=True, blank=True,
                                               validators=[MaxValueValidator(100)])
    text = models.TextField(_("进展情况"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("报告人"))
    reported_at = models.DateTimeField(_("报告时间"))

    class Meta:
        verbose_name = _("进度报告")
        verbose_name_plural = _("进度报告")
        ordering = ["project", "-reported_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.project_id} · {self.reported_on}"


class ProgressPhoto(models.Model):
    """Checked by content and re-encoded without EXIF (`cases.photos.photo_prepare`); served only
    by a view that checks who may read the project."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to="projects/%Y/%m/")
    thumbnail = models.ImageField(_("缩略图"), upload_to="projects/thumbs/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("进度照片")
        verbose_name_plural = _("进度照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.report_id} · {self.pk}"


class ProjectCase(models.Model):
    """A case that led to the project. `closed_into`: the case was closed as 纳入项目库 (its close
    event names the project)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="case_links",
                                verbose_name=_("项目"))
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="project_link",
                                verbose_name=_("案件"))
    closed_into = models.BooleanField(_("结案纳入项目库"), default=False)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("关联人"))
    linked_at = models.DateTimeField(_("关联时间"))

    class Meta:
        verbose_name = _("项目来源案件")
        verbose_name_plural = _("项目来源案件")
        ordering = ["project", "-linked_at"]

    def __str__(self) -> str:
        return f"{self.project_id} · {self.case_id}"


class MilestoneEscalation(models.Model):
    """Once per milestone and step of the ladder (`supervision.EscalationCode`): 提醒 to the
    responsible department when the milestone is overdue, 督办 to the leaders past the policy's days."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="escalations",
                                  verbose_name=_("里程碑"))
    step = models.CharField(_("级别"), max_length=16)
    days_late = models.PositiveIntegerField(_("逾期天数"))
    reached_at = models.DateTimeField(_("触发时间"))

    class Meta:
        verbose_name = _("里程碑督办")
        verbose_name_plural = _("里程碑督办")
        constraints = [models.UniqueConstraint(fields=["milestone", "step"], name="milestone_escalation_once")]

    def __str__(self) -> str:
        return f"{self.milestone_id} · {self.step}"


class ProjectPolicy(OneRowPolicy):
    """The office's rules for milestones, as data."""

    department_after_days = models.PositiveIntegerField(
        _("逾期几天提醒责任部门"), default=1, validators=[MinValueValidator(1)],
        help_text=_("里程碑计划日期过后仍未完成满该天数，提醒责任部门"))
    leader_after_days = models.PositiveIntegerField(
        _("逾期几天报街道领导督办"), default=7, validators=[MinValueValidator(1)],
        help_text=_("逾期满该天数，通知属地领导督办"))
    look_back_days = models.PositiveIntegerField(
        _("督办回看天数"), default=365, validators=[MinValueValidator(1)],
        help_text=_("只督办计划日期在该天数以内的里程碑"))

    class Meta:
        verbose_name = _("项目库规则")
        verbose_name_plural = _("项目库规则")
