"""The case and its append-only history."""

import json

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedao.catalogue.models import CaseRule, CatalogueItem, DeadlineUnit
from jiedao.one_row import OneRowPolicy
from jiedao.privacy.fields import EncryptedTextField
from jiedao.territory.models import LegacyGridClass, Organisation, Unit
from jiedao.worktime.deadlines import DeadlineLight  # noqa: F401  (the light's vocabulary, re-exported)


class CaseState(models.TextChoices):
    # standards.md §2.3
    REPORTED = "reported", _("待受理")
    VERIFYING = "verifying", _("核实中")
    ACCEPTED = "accepted", _("待立案")
    FILED = "filed", _("待派遣")
    HANDLING = "handling", _("处置中")
    SUSPENDED = "suspended", _("挂账中")
    FIXED = "fixed", _("待核查")
    CHECKED = "checked", _("待结案")
    SELF_HANDLED = "self_handled", _("自处置待审核")
    CLOSED = "closed", _("已结案")
    VOIDED = "voided", _("已作废")


OPEN_STATES = frozenset(set(CaseState) - {CaseState.CLOSED, CaseState.VOIDED})
FINAL_STATES = frozenset({CaseState.CLOSED, CaseState.VOIDED})
# States in which the handling clock is running or paused (after dispatch, before the fix is reported).
CLOCKED_STATES = frozenset({CaseState.HANDLING, CaseState.SUSPENDED})


class CaseSource(models.TextChoices):
    PATROL = "patrol", _("网格员巡查")
    RESIDENT = "resident", _("群众举报")
    HOTLINE = "hotline", _("12345 热线转办")
    LEADER = "leader", _("领导交办")
    INSPECTION = "inspection", _("督查检查发现")
    VIDEO = "video", _("视频/物联感知")
    SELF_CHECK = "self_check", _("自查")
    OPEN311 = "open311", _("Open311 接入")
    MEDIA = "media", _("媒体监督")  # standards.md §2.3: 立案数 split by source (宁波)
    RIVER_PATROL = "river_patrol", _("河长巡河")  # standards.md §5


class RejectionKind(models.TextChoices):
    """Why the intake desk turned a report away (不予受理), counted among 不予立案."""

    DUPLICATE = "duplicate", _("重复反映")
    NOT_OURS = "not_ours", _("不属于受理范围")
    INVALID = "invalid", _("信息无效或无法核实")
    OTHER = "other", _("其他")


class ClosureType(models.TextChoices):
    NORMAL = "normal", _("正常结案")
    OVERDUE = "overdue", _("超时结案")
    ERROR = "error", _("差错结案")
    SPECIAL = "special", _("特殊结案")
    SELF_HANDLED = "self_handled", _("自处置结案")


class CaseNumberSequence(models.Model):
    """The last readable case number issued per year ("2026-000123")."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Case(models.Model):
    number = models.CharField(_("案件编号"), max_length=16, unique=True)
    state = models.CharField(_("状态"), max_length=16, choices=CaseState.choices, default=CaseState.REPORTED)
    source = models.CharField(_("来源"), max_length=16, choices=CaseSource.choices)
    item = models.ForeignKey(CatalogueItem, on_delete=models.PROTECT, related_name="cases", verbose_name=_("问题分类"))
    rule = models.ForeignKey(CaseRule, on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
                             verbose_name=_("立案规则"))
    description = models.TextField(_("问题描述"), blank=True)
    address = models.CharField(_("事发位置"), max_length=256, blank=True)
    longitude = models.FloatField(_("经度（WGS-84）"))
    latitude = models.FloatField(_("纬度（WGS-84）"))

    grid = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="cases_in_grid", verbose_name=_("单元网格"))
    territory_path = models.CharField(_("属地路径"), max_length=255, editable=False)
    # Legacy snapshot of the grid's 一类/二类 at report time; no longer written or read since grid classes
    # became data (territory.GridClass): rules and figures read the grid's class (`grid.grid_class`).
    grid_class = models.CharField(_("区域类别"), max_length=1, choices=LegacyGridClass.choices, blank=True)
    territorial_owner = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="owned_cases", verbose_name=_("属地责任单位"))
    department = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="cases", verbose_name=_("职能部门"))

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="reported_cases", verbose_name=_("上报人"))
    # Residents' contact data: encrypted at rest, shown by the rule in contact.py.
    reporter_name = EncryptedTextField(_("举报人姓名"), max_length=60, blank=True)
    reporter_phone = EncryptedTextField(_("举报人电话"), max_length=20, blank=True)
    reporter_email = EncryptedTextField(_("举报人邮箱"), max_length=254, blank=True, default="")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="assigned_cases", verbose_name=_("核实/核查人"))
    fixed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="fixed_cases", verbose_name=_("处置反馈人"))

    reported_at = models.DateTimeField(_("上报时间"))
    filed_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派遣时间"), null=True, blank=True)
    fixed_at = models.DateTimeField(_("处置完成时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)

    # The handling clock: budget in the unit's minutes (working or clock), the deadline it gives,
    # and the moment a suspension (挂账) began. The light is derived from these, never stored.
    deadline_unit = models.CharField(_("时限单位"), max_length=16, choices=DeadlineUnit.choices, blank=True)
    time_budget_minutes = models.PositiveIntegerField(_("处置时限（分钟）"), null=True, blank=True)
    deadline_at = models.DateTimeField(_("处置期限"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("挂账开始"), null=True, blank=True)

    closure_type = models.CharField(_("结案类型"), max_length=16, choices=ClosureType.choices, blank=True)
    rework_count = models.PositiveSmallIntegerField(_("返工次数"), default=0)
    return_count = models.PositiveSmallIntegerField(_("回退次数"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    is_self_handled = models.BooleanField(_("自处置"), default=False)

    client_key = models.CharField(_("客户端幂等键"), max_length=64, null=True, blank=True, unique=True)
    # What a resident (or an Open311 client) holds to follow the case without signing in: unguessable,
    # unlike the readable number, and never reused.
    tracking_code = models.CharField(_("查询码"), max_length=12, null=True, blank=True, unique=True,
                                     editable=False)
    # The address of the case's public page (/p/c/<code>/): unguessable, so the public pages cannot
    # be walked by sequential number; a different code from the holder's tracking code.
    public_code = models.CharField(_("公开页代码"), max_length=12, null=True, blank=True, unique=True,
                                   editable=False)
    # A duplicate merged into another case (作废 as 重复): where the residents following it look now.
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="merged_duplicates", verbose_name=_("并入案件"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        indexes = [
            # inbox: cases in a state, newest first, the path checked from the index (SQLite cannot
            # range-scan a LIKE prefix, so the order comes first)
            models.Index(fields=["state", "-reported_at", "territory_path"], name="case_inbox_state"),
            # department inbox: cases of one department in a state
            models.Index(fields=["department", "state", "-reported_at"], name="case_inbox_department"),
            # everything of one department, newest first
            models.Index(fields=["department", "-reported_at"], name="case_department_recent"),
            # field inbox: cases waiting for one inspector
            models.Index(fields=["assignee", "state"], name="case_inbox_assignee"),
            # overdue sweep: clocked cases by deadline
            models.Index(fields=["state", "deadline_at"], name="case_overdue"),
            # case list API and reports: newest first
            models.Index(fields=["-reported_at"], name="case_recent"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def grid_code(self) -> str:
        # The path is made of codes and ends with the grid's own: no need to load the grid.
        return self.territory_path.rstrip("/").rsplit("/", 1)[-1]


class CaseEvent(models.Model):
    """One step in the life of a case. Append-only: the audit trail, the timeline, the data of the
    indicators and the trigger of notifications."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("案件"))
    action = models.CharField(_("动作"), max_length=32)
    from_state = models.CharField(_("原状态"), max_length=16, choices=CaseState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=16, choices=CaseState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="case_events", verbose_name=_("操作人"))
    actor_name = models.CharField(_("操作人姓名"), max_length=60, blank=True)
    actor_role = models.CharField(_("操作角色"), max_length=24, blank=True)
    at = models.DateTimeField(_("时间"))
    opinion = models.TextField(_("意见"), blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)
    # The name and phone or email a resident left with an update: JSON, encrypted at rest, never in
    # `data` (which the timeline and the API show); read through `personal_data` and contact.py.
    personal = EncryptedTextField(_("个人信息"), blank=True, default="", editable=False)
    # An update from outside (the portal, an Open311 client) carries the sender's idempotency key:
    # a replay finds this row instead of writing a second one.
    client_key = models.CharField(_("客户端幂等键"), max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["case", "at"], name="case_event_timeline"),
            models.Index(fields=["action", "at"], name="case_event_by_action"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    @property
    def personal_data(self) -> dict:
        return json.loads(self.personal) if self.personal else {}


class PhotoStage(models.TextChoices):
    BEFORE = "before", _("处置前")
    AFTER = "after", _("处置后")
    CHECK = "check", _("核查")
    PUBLIC = "public", _("群众补充")


class CasePhoto(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="photos")
    event = models.ForeignKey(CaseEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="photos")
    stage = models.CharField(_("阶段"), max_length=8, choices=PhotoStage.choices)
    image = models.ImageField(_("照片"), upload_to="cases/%Y/%m/")
    thumbnail = models.ImageField(_("缩略图"), upload_to="cases/thumbs/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField()
    exif_longitude = models.FloatField(null=True, blank=True)
    exif_latitude = models.FloatField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    uploaded_at = models.DateTimeField()
    # Photos show people's streets (faces, plates): none is shown to the public until staff choose it.
    is_public = models.BooleanField(_("公开展示"), default=False)

    class Meta:
        verbose_name = _("案件照片")
        verbose_name_plural = _("案件照片")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_stage_display()}"


class RequestKind(models.TextChoices):
    RETURN = "return", _("回退")
    EXTENSION = "extension", _("延期")
    SUSPENSION = "suspension", _("挂账")
    VOID = "void", _("作废")


class RequestState(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class CaseRequest(models.Model):
    """A handler's application on a side path, waiting for the approver (standards.md §2.2)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="requests")
    kind = models.CharField(_("申请类型"), max_length=16, choices=RequestKind.choices)
    state = models.CharField(_("审批状态"), max_length=16, choices=RequestState.choices, default=RequestState.PENDING)
    reason = models.TextField(_("申请理由"))
    extra_minutes = models.PositiveIntegerField(_("申请延长（分钟）"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("案件申请")
        verbose_name_plural = _("案件申请")
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=models.Q(state="pending"),
                                    name="case_request_one_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_state_display()}"


class CasePolicy(OneRowPolicy):
    """Thresholds of the loop an administrator can change; one row (pk=1), seeded with the defaults
    of standards.md §4.1 and §4.3."""

    warning_ratio = models.DecimalField(_("预警比例"), max_digits=3, decimal_places=2, default=0.8,
                                        help_text=_("处置时限用去该比例即亮黄灯（默认 0.80）"))
    # 环节时限 (standards.md §4.1 "分钟", §4.3 "the 受理, 核实 and 立案 steps have their own minute
    # limits"): clock minutes from the moment a case waits for the step until the step is done.
    # 核实 and 核查 default to egova's 30; the others have no published value and default to 30 too,
    # an implementation value for the centre to set.
    accept_limit_minutes = models.PositiveIntegerField(
        _("受理时限（分钟）"), default=30, validators=[MinValueValidator(1)],
        help_text=_("上报后受理员受理、派发核实或不予受理的时限；核查任务的派发也按此时限"))
    verify_limit_minutes = models.PositiveIntegerField(_("核实时限（分钟）"), default=30,
                                                       validators=[MinValueValidator(1)])
    file_limit_minutes = models.PositiveIntegerField(
        _("立案时限（分钟）"), default=30, validators=[MinValueValidator(1)],
        help_text=_("受理（或核实属实）后值班长立案的时限"))
    dispatch_limit_minutes = models.PositiveIntegerField(
        _("派遣时限（分钟）"), default=30, validators=[MinValueValidator(1)],
        help_text=_("立案（或回退）后派遣员派遣的时限"))
    check_limit_minutes = models.PositiveIntegerField(_("核查时限（分钟）"), default=30,
                                                      validators=[MinValueValidator(1)])
    close_limit_minutes = models.PositiveIntegerField(
        _("结案时限（分钟）"), default=30, validators=[MinValueValidator(1)],
        help_text=_("核查通过后值班长结案的时限"))
    reopen_window_days = models.PositiveSmallIntegerField(
        _("群众反映未修复的受理期（天）"), default=30,
        help_text=_("结案后该天数内，群众反映“问题仍未解决”即退回核查；超过后仅记录，请其重新上报"))
    duplicate_radius_m = models.PositiveIntegerField(
        _("疑似重复：距离（米）"), default=50,
        help_text=_("同类问题在该距离与时段内已有未办结案件时，提示群众补充到已有案件、提示受理员合并"))
    duplicate_hours = models.PositiveIntegerField(_("疑似重复：时段（小时）"), default=72)
    satisfied_min_score = models.PositiveSmallIntegerField(
        _("计为满意的最低评分"), default=4, help_text=_("回访满意度：评分（1–5）不低于该值计为满意"))
    photos_per_request = models.PositiveSmallIntegerField(
        _("每次提交最多照片数"), default=6, validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("群众上报、工作人员办理、巡查通、Open311 与接口，每次提交的照片总数上限（默认 6，最多 20）"))

    class Meta:
        verbose_name = _("案件流程参数")
        verbose_name_plural = _("案件流程参数")



class RatingSource(models.TextChoices):
    PORTAL = "portal", _("群众网页评价")
    PHONE = "phone", _("电话回访")


class CaseRating(models.Model):
    """回访满意度: one rating per closed case, by the holder of its tracking code (or taken over the
    phone by the command centre)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="rating", verbose_name=_("案件"))
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.TextField(_("评价内容"), blank=True)
    source = models.CharField(_("评价方式"), max_length=8, choices=RatingSource.choices)
    at = models.DateTimeField(_("评价时间"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("回访人"))

    class Meta:
        verbose_name = _("满意度评价")
        verbose_name_plural = _("满意度评价")
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="case_rating_score_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.score}"
