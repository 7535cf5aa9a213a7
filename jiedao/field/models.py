"""The field app's records: what a device sent (once per idempotency key), patrols and their
tracks, and the patrol rules an administrator can change."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedao.cases.models import Case
from jiedao.one_row import OneRowPolicy
from jiedao.territory.models import Unit


class SubmissionKind(models.TextChoices):
    REPORT = "report", _("上报")
    VERIFY = "verify", _("核实")
    CHECK = "check", _("核查")
    PATROL_POINTS = "patrol_points", _("巡查轨迹点")


class Submission(models.Model):
    """One request a device made with its own idempotency key (crypto.randomUUID), written in the
    same transaction as the change it caused: a replay of the key returns the first answer and
    changes nothing; the key belongs to the person who first used it."""

    key = models.CharField(_("幂等键"), max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="field_submissions",
                             verbose_name=_("提交人"))
    kind = models.CharField(_("类型"), max_length=16, choices=SubmissionKind.choices)
    # SET_NULL: only generated demo cases are ever deleted; the key must stay used all the same.
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("案件"))
    patrol = models.ForeignKey("Patrol", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("巡查"))
    status = models.PositiveSmallIntegerField(_("首次应答状态码"))
    response = models.JSONField(_("首次应答"), default=dict)
    # SHA-256 of the normalised body (cases/idempotency.py): a replay must send the same.
    body_fingerprint = models.CharField(_("提交内容摘要"), max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("外业提交")
        verbose_name_plural = _("外业提交")
        indexes = [
            # a person's submissions, newest first (admin, support)
            models.Index(fields=["user", "-created_at"], name="field_submission_user"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"


class PatrolPolicy(OneRowPolicy):
    """How tracks are recorded and which points are believed; one row (pk=1) the administrator edits.
    The device thins with the same numbers (they are sent to it with the page)."""

    min_distance_m = models.PositiveIntegerField(_("记录最小间距（米）"), default=10,
                                                 help_text=_("与上一点相距不足该距离、且间隔不足最小时间间隔的点不记录"))
    min_interval_s = models.PositiveIntegerField(_("记录最小时间间隔（秒）"), default=30)
    max_speed_mps = models.FloatField(_("最大可信速度（米/秒）"), default=50.0,
                                      help_text=_("与上一点之间速度超过该值的点视为漂移，不予记录"))
    max_points_per_batch = models.PositiveIntegerField(_("每批最多点数"), default=500)
    max_duration_hours = models.PositiveIntegerField(_("单次巡查最长时长（小时）"), default=24)
    upload_every_points = models.PositiveIntegerField(_("每积累多少点上传一次"), default=20)
    upload_every_seconds = models.PositiveIntegerField(_("最长多少秒上传一次"), default=120)

    class Meta:
        verbose_name = _("巡查轨迹参数")
        verbose_name_plural = _("巡查轨迹参数")



class Patrol(models.Model):
    """巡查: one walk of a field worker, recorded by the device and uploaded in batches."""

    client_id = models.UUIDField(_("设备端编号"), unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="patrols",
                             verbose_name=_("巡查人"))
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    distance_m = models.FloatField(_("里程（米）"), default=0)
    duration_s = models.PositiveIntegerField(_("时长（秒）"), default=0)
    point_count = models.PositiveIntegerField(_("轨迹点数"), default=0)
    rejected_point_count = models.PositiveIntegerField(_("剔除点数"), default=0)
    # [[longitude, latitude, unix seconds], ...] in WGS-84, in time order
    track = models.JSONField(_("轨迹"), default=list, blank=True)
    grids = models.ManyToManyField(Unit, blank=True, related_name="patrols", verbose_name=_("途经网格"))
    cases = models.ManyToManyField(Case, blank=True, related_name="patrols", verbose_name=_("巡查中上报的案件"))
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("巡查")
        verbose_name_plural = _("巡查")
        indexes = [
            # a worker's patrols, newest first
            models.Index(fields=["user", "-started_at"], name="patrol_user_recent"),
            # patrols of an area for a period (supervisors' list)
            models.Index(fields=["-started_at"], name="patrol_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"

    @property
    def is_running(self) -> bool:
        return self.ended_at is None

    def line_string(self) -> dict:
        """The track as a GeoJSON LineString (WGS-84, [lon, lat])."""
        return {"type": "LineString", "coordinates": [[lon, lat] for lon, lat, _t in self.track]}
