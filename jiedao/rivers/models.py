"""河长制 (standards.md §5): waters and their segments with geometry, the chiefs responsible for
them, river patrols with their tracks, checklist answers and problems, the 交办函 sent to the
higher-level 河长办, and the planned dredging and cleaning works. Thresholds are data."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedao.cases.models import Case
from jiedao.catalogue.models import DeadlineUnit
from jiedao.checklists.models import ChecklistItem, ChecklistVersion
from jiedao.one_row import OneRowPolicy
from jiedao.territory.models import Organisation, Unit


class WaterbodyKind(models.TextChoices):
    RIVER = "river", _("河流")
    LAKE = "lake", _("湖泊")
    POND = "pond", _("坑塘")


class ChiefLevel(models.TextChoices):
    """standards.md §5 and §9 `RiverChiefLevel`: 省, 市, 县, 乡, 村 (five levels where the province adds 村级)."""
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡级")
    VILLAGE = "village", _("村级")


# The levels our sub-district holds as people who sign in; the others are names and recipients.
LOCAL_LEVELS = frozenset({ChiefLevel.TOWNSHIP, ChiefLevel.VILLAGE})


class RiverPolicy(OneRowPolicy):
    """The river register's numbers, one row the administrator edits."""

    near_distance_m = models.PositiveIntegerField(_("河段附近范围（米）"), default=200,
                                                  help_text=_("距河段不超过该距离的案件列在河段页"))
    letter_deadline_value = models.DecimalField(_("交办函办理时限"), max_digits=6, decimal_places=2,
                                                default=Decimal("1"),
                                                help_text=_("广州：村居级河长无法处理的问题 1 个工作日内上报（standards.md §5）"))
    letter_deadline_unit = models.CharField(_("交办函时限单位"), max_length=16, choices=DeadlineUnit.choices,
                                            default=DeadlineUnit.WORKING_DAYS)
    max_rejected_share = models.FloatField(_("轨迹跳点上限（比例）"), default=0.2,
                                           help_text=_("被剔除的漂移点超过该比例的巡河不计为有效"))
    max_track_points = models.PositiveIntegerField(_("单次巡河最多轨迹点"), default=20_000)
    max_problems_per_patrol = models.PositiveIntegerField(_("单次巡河最多问题数"), default=30)

    class Meta:
        verbose_name = _("河长制参数")
        verbose_name_plural = _("河长制参数")


class Waterbody(models.Model):
    """A river, lake or pond (河湖), with its 河流代码 and 所属流域 (standards.md §5, repository practice)."""

    kind = models.CharField(_("类型"), max_length=8, choices=WaterbodyKind.choices, default=WaterbodyKind.RIVER)
    name = models.CharField(_("名称"), max_length=60)
    code = models.CharField(_("河湖代码"), max_length=32, unique=True)
    basin = models.CharField(_("所属流域"), max_length=60, blank=True)
    management_level = models.CharField(_("管理级别"), max_length=16, choices=ChiefLevel.choices,
                                        default=ChiefLevel.TOWNSHIP)

    class Meta:
        verbose_name = _("河湖")
        verbose_name_plural = _("河湖")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class RiverSegment(models.Model):
    """河段: a piece of a waterbody with its own chiefs; a line (a river's course) or a polygon (a
    lake, a pond) in WGS-84 GeoJSON. The grids it crosses come from the territory's geometry on
    every write; `units` holds those grids and every unit above them, so "segments in a unit" is
    one join."""

    waterbody = models.ForeignKey(Waterbody, on_delete=models.PROTECT, related_name="segments",
                                  verbose_name=_("河湖"))
    code = models.CharField(_("河段编码"), max_length=40, unique=True)
    name = models.CharField(_("河段名称"), max_length=80)
    geometry = models.JSONField(_("几何（GeoJSON，WGS-84）"))
    length_m = models.FloatField(_("长度（米）"), default=0)
    units = models.ManyToManyField(Unit, blank=True, related_name="river_segments", verbose_name=_("流经单位"))
    # The lowest unit holding the whole segment (a village's, or the sub-district's when it crosses
    # villages): whose chiefs and duty plans it falls under.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("所属单位"))
    # The bounding box, for "cases near the segment" as one indexed range before the exact distance.
    min_lon = models.FloatField(default=0, editable=False)
    min_lat = models.FloatField(default=0, editable=False)
    max_lon = models.FloatField(default=0, editable=False)
    max_lat = models.FloatField(default=0, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("河段")
        verbose_name_plural = _("河段")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.waterbody.name} · {self.name}"


class RiverChief(models.Model):
    """A 河长 of a level. 乡级 and 村级 chiefs are people who sign in (a user with `Role.RIVER_CHIEF`
    over `unit`); 省/市/县 chiefs are a name and a title, named as recipients."""

    level = models.CharField(_("层级"), max_length=16, choices=ChiefLevel.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="river_chiefs", verbose_name=_("人员"))
    name = models.CharField(_("姓名"), max_length=40)
    title = models.CharField(_("职务"), max_length=80, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="river_chiefs",
                             verbose_name=_("负责范围"))
    segments = models.ManyToManyField(RiverSegment, blank=True, related_name="chiefs", verbose_name=_("负责河段"))
    is_active = models.BooleanField(_("在任"), default=True)

    class Meta:
        verbose_name = _("河长")
        verbose_name_plural = _("河长")
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(user__isnull=True) | models.Q(unit__isnull=False),
                                   name="river_chief_person_has_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}河长 {self.name}"


class PatrolValidity(models.TextChoices):
    VALID = "valid", _("有效")
    NOT_COUNTING = "not_counting", _("不计入")
    RUNNING = "running", _("进行中")


class RiverPatrol(models.Model):
    """巡河: one walk along a segment, started on the device under its own id (so it can start
    without signal), its track sent in batches and checked by the field app's track rules, then
    submitted with the checklist's answers. Patrols that do not count are kept, with the reasons."""

    client_id = models.UUIDField(_("设备端编号"), unique=True, editable=False)
    segment = models.ForeignKey(RiverSegment, on_delete=models.PROTECT, related_name="patrols",
                                verbose_name=_("河段"))
    chief = models.ForeignKey(RiverChief, on_delete=models.PROTECT, null=True, blank=True, related_name="patrols",
                              verbose_name=_("河长（计入其巡河）"))
    patrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="river_patrols",
                                     verbose_name=_("巡河人"))
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    track = models.JSONField(_("轨迹"), default=list, blank=True)  # [[lon, lat, unix seconds], ...] WGS-84
    point_count = models.PositiveIntegerField(_("轨迹点数"), default=0)
    rejected_point_count = models.PositiveIntegerField(_("剔除点数"), default=0)
    distance_m = models.FloatField(_("里程（米）"), default=0)
    duration_s = models.PositiveIntegerField(_("时长（秒）"), default=0)
    checklist_version = models.ForeignKey(ChecklistVersion, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name=_("巡河检查表"))
    # {"<checklist item id>": "ok" | "problem"}
    answers = models.JSONField(_("检查结果"), default=dict, blank=True)
    note = models.CharField(_("巡河情况"), max_length=500, blank=True)
    validity = models.CharField(_("是否有效"), max_length=16, choices=PatrolValidity.choices,
                                default=PatrolValidity.RUNNING)
    # [{"code": "too_short", "text": "时长 0 分 30 秒，不足 30 分钟"}, ...]
    validity_reasons = models.JSONField(_("不计入原因"), default=list, blank=True)
    submit_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    submit_response = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("巡河记录")
        verbose_name_plural = _("巡河记录")
        indexes = [
            # this week's patrols of every segment (the compliance map)
            models.Index(fields=["started_at", "segment"], name="river_patrol_week"),
            # a chief's month (the 巡河日志)
            models.Index(fields=["chief", "started_at"], name="river_patrol_chief_month"),
        ]

    def __str__(self) -> str:
        return f"{self.segment} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class PatrolBatch(models.Model):
    """One batch of track points a device sent under its own key; a replay gets the first answer."""

    key = models.CharField(_("幂等键"), max_length=64, unique=True)
    patrol = models.ForeignKey(RiverPatrol, on_delete=models.CASCADE, related_name="batches")
    body_fingerprint = models.CharField(max_length=64)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("轨迹批次")
        verbose_name_plural = _("轨迹批次")

    def __str__(self) -> str:
        return self.key


class ProblemHandling(models.TextChoices):
    """standards.md §5: the chief fixes what is in his or her remit; otherwise the competent
    department (a case), or "以函形式" to the higher-level 河长办."""
    FIXED_ON_SITE = "fixed_on_site", _("当场处理")
    CASE = "case", _("转部门立案")
    LETTER = "letter", _("报上级河长办（交办函）")


class RiverProblem(models.Model):
    """A problem found on a patrol (发现问题: 现状, 照片, 地点) and how it was handled (处理情况)."""

    client_key = models.CharField(_("幂等键"), max_length=64, unique=True)
    body_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    patrol = models.ForeignKey(RiverPatrol, on_delete=models.PROTECT, related_name="problems",
                               verbose_name=_("巡河记录"))
    checklist_item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("检查项"))
    description = models.CharField(_("问题描述"), max_length=500)
    longitude = models.FloatField(_("经度"))
    latitude = models.FloatField(_("纬度"))
    handling = models.CharField(_("处理方式"), max_length=16, choices=ProblemHandling.choices)
    measure = models.CharField(_("当场制止措施及效果"), max_length=500, blank=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="river_problems",
                             verbose_name=_("案件"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("发现人"))
    found_at = models.DateTimeField(_("发现时间"))

    class Meta:
        verbose_name = _("巡河问题")
        verbose_name_plural = _("巡河问题")
        ordering = ["found_at", "id"]

    def __str__(self) -> str:
        return self.description[:40]


class ProblemPhoto(models.Model):
    problem = models.ForeignKey(RiverProblem, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to="rivers/%Y/%m/")
    thumbnail = models.ImageField(_("缩略图"), upload_to="rivers/thumbs/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("问题照片")
        verbose_name_plural = _("问题照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.problem_id} · {self.pk}"


class LetterState(models.TextChoices):
    SENT = "sent", _("已交办")
    ACCEPTED = "accepted", _("已签收")
    REPORTED = "reported", _("已反馈整改")
    RECTIFIED = "rectified", _("整改到位")


OPEN_LETTER_STATES = frozenset({LetterState.SENT, LetterState.ACCEPTED, LetterState.REPORTED})


class LetterAction(models.TextChoices):
    SEND = "send", _("交办")
    ACCEPT = "accept", _("签收")
    REPORT = "report", _("反馈整改")
    CONFIRM = "confirm", _("核实整改到位")
    REJECT = "reject", _("整改不到位，退回")


# action → (from states, to state)
LETTER_TRANSITIONS = {
    LetterAction.ACCEPT: (frozenset({LetterState.SENT}), LetterState.ACCEPTED),
    LetterAction.REPORT: (frozenset({LetterState.SENT, LetterState.ACCEPTED}), LetterState.REPORTED),
    LetterAction.CONFIRM: (frozenset({LetterState.REPORTED}), LetterState.RECTIFIED),
    LetterAction.REJECT: (frozenset({LetterState.REPORTED}), LetterState.ACCEPTED),
}


class Assignment(models.Model):
    """交办函: a problem a chief cannot handle, sent "以函形式" to the higher-level 河长办 with its own
    deadline (working time on the office's calendar), followed until 整改到位."""

    number = models.CharField(_("函号"), max_length=24, unique=True)
    problem = models.OneToOneField(RiverProblem, on_delete=models.PROTECT, related_name="letter",
                                   verbose_name=_("巡河问题"))
    segment = models.ForeignKey(RiverSegment, on_delete=models.PROTECT, related_name="letters",
                                verbose_name=_("河段"))
    recipient = models.CharField(_("接收单位"), max_length=80)
    subject = models.CharField(_("事由"), max_length=200)
    state = models.CharField(_("状态"), max_length=12, choices=LetterState.choices, default=LetterState.SENT)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("交办人"))
    sent_at = models.DateTimeField(_("交办时间"))
    deadline_at = models.DateTimeField(_("办理时限"))
    rectified_at = models.DateTimeField(_("整改到位时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("交办函")
        verbose_name_plural = _("交办函")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_LETTER_STATES


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("letter events are append-only")

    def delete(self):
        raise TypeError("letter events are append-only")


class AssignmentEvent(models.Model):
    """One step of a 交办函 (actor, time, reason); append-only."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("动作"), max_length=12, choices=LetterAction.choices)
    from_state = models.CharField(_("原状态"), max_length=12, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"))
    reason = models.CharField(_("说明"), max_length=500, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("交办函记录")
        verbose_name_plural = _("交办函记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.assignment_id} · {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("letter events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("letter events are append-only")


class WorkKind(models.TextChoices):
    DREDGING = "dredging", _("清淤")
    CLEARING = "clearing", _("清理")


class RiverWork(models.Model):
    """清淤/清理: a planned job on a segment with its quantities, planned and done."""

    segment = models.ForeignKey(RiverSegment, on_delete=models.PROTECT, related_name="works", verbose_name=_("河段"))
    kind = models.CharField(_("类型"), max_length=12, choices=WorkKind.choices)
    title = models.CharField(_("名称"), max_length=100)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("实施单位"))
    planned_start = models.DateField(_("计划开始"))
    planned_end = models.DateField(_("计划完成"))
    planned_volume_m3 = models.DecimalField(_("计划方量（m³）"), max_digits=10, decimal_places=1, default=Decimal(0))
    planned_weight_t = models.DecimalField(_("计划重量（t）"), max_digits=10, decimal_places=1, default=Decimal(0))
    done_volume_m3 = models.DecimalField(_("完成方量（m³）"), max_digits=10, decimal_places=1, default=Decimal(0))
    done_weight_t = models.DecimalField(_("完成重量（t）"), max_digits=10, decimal_places=1, default=Decimal(0))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("清淤清理作业")
        verbose_name_plural = _("清淤清理作业")
        ordering = ["planned_start", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def share_done(self) -> float | None:
        planned = self.planned_volume_m3 or self.planned_weight_t
        done = self.done_volume_m3 if self.planned_volume_m3 else self.done_weight_t
        return float(done / planned) if planned else None
