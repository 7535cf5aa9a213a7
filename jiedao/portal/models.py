"""The residents' portal: its limits (data the office edits), who follows what, and what each
follower has been told."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedao.cases.models import Case, CaseEvent
from jiedao.catalogue.models import CatalogueItem
from jiedao.one_row import OneRowPolicy
from jiedao.territory.models import Unit


class PortalPolicy(OneRowPolicy):
    """Abuse limits and privacy settings of the public pages; one row (pk=1). The office's own
    pages have no such limits."""

    reports_per_ip_per_hour = models.PositiveIntegerField(_("每个 IP 每小时可提交反映次数"), default=10)
    reports_per_phone_per_day = models.PositiveIntegerField(_("每个手机号每天可提交反映次数"), default=5)
    updates_per_ip_per_hour = models.PositiveIntegerField(_("每个 IP 每小时可补充、评价次数"), default=20)
    follows_per_ip_per_hour = models.PositiveIntegerField(_("每个 IP 每小时可订阅次数"), default=10)
    lookups_missed_per_ip_per_hour = models.PositiveIntegerField(
        _("每个 IP 每小时查询码输错次数上限"), default=30, help_text=_("防止逐个猜测查询码"))
    map_days = models.PositiveSmallIntegerField(_("公众地图显示最近天数"), default=30)
    location_blur_m = models.PositiveIntegerField(
        _("敏感分类位置模糊（米）"), default=200,
        help_text=_("标记为“公开时模糊位置”的分类，公开位置取所在约该边长方格的中心"))

    class Meta:
        verbose_name = _("群众门户参数")
        verbose_name_plural = _("群众门户参数")



class FollowKind(models.TextChoices):
    CASE = "case", _("案件")
    AREA = "area", _("片区/社区/网格")
    CATEGORY = "category", _("问题分类")


class Follow(models.Model):
    """Someone following a case, an area or a category: a resident by email (confirmed by a link
    before anything else is sent), or a signed-in member of staff."""

    kind = models.CharField(_("关注对象"), max_length=8, choices=FollowKind.choices)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="follows",
                             verbose_name=_("案件"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="follows",
                             verbose_name=_("区域"))
    item = models.ForeignKey(CatalogueItem, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="follows", verbose_name=_("问题分类"))
    email = models.EmailField(_("邮箱"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="portal_follows", verbose_name=_("工作人员"))
    # One secret per follow, in its confirm and unsubscribe links.
    token = models.CharField(max_length=43, unique=True, editable=False)
    created_at = models.DateTimeField(_("订阅时间"))
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(_("确认邮件发送时间"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("退订时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("关注")
        verbose_name_plural = _("关注")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="case", case__isnull=False, unit__isnull=True, item__isnull=True)
                           | models.Q(kind="area", case__isnull=True, unit__isnull=False, item__isnull=True)
                           | models.Q(kind="category", case__isnull=True, unit__isnull=True, item__isnull=False)),
                name="follow_one_target"),
            # one live follow per address and target: asking again resends the confirmation
            models.UniqueConstraint(fields=["email", "case"], name="follow_once_per_case",
                                    condition=models.Q(unsubscribed_at__isnull=True, case__isnull=False)),
            models.UniqueConstraint(fields=["email", "unit"], name="follow_once_per_unit",
                                    condition=models.Q(unsubscribed_at__isnull=True, unit__isnull=False)),
            models.UniqueConstraint(fields=["email", "item"], name="follow_once_per_item",
                                    condition=models.Q(unsubscribed_at__isnull=True, item__isnull=False)),
        ]
        indexes = [
            # who follows this case / area / category, among the live follows
            models.Index(fields=["case", "unsubscribed_at"], name="follow_by_case"),
            models.Index(fields=["unit", "unsubscribed_at"], name="follow_by_unit"),
            models.Index(fields=["item", "unsubscribed_at"], name="follow_by_item"),
            # an address's follows (abuse limits, "already following")
            models.Index(fields=["email", "created_at"], name="follow_by_email"),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.target_label}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None

    @property
    def target_label(self) -> str:
        if self.kind == FollowKind.CASE:
            return f"{self.case.number} {self.case.item.name}"
        if self.kind == FollowKind.AREA:
            return self.unit.name
        return self.item.name


class FollowNotice(models.Model):
    """One step of a case that a follower is to be told of; sent at most once (claimed by a
    conditional update), several in one message."""

    follow = models.ForeignKey(Follow, on_delete=models.CASCADE, related_name="notices")
    event = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("关注通知")
        verbose_name_plural = _("关注通知")
        constraints = [models.UniqueConstraint(fields=["follow", "event"], name="follow_notice_once")]
        indexes = [models.Index(fields=["sent_at", "follow"], name="follow_notice_unsent")]

    def __str__(self) -> str:
        return f"{self.follow_id} ← {self.event_id}"


class FollowCursor(models.Model):
    """How far the notice sweep has read the case events (one row, pk=1)."""

    last_event_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("通知进度")
        verbose_name_plural = _("通知进度")

    def __str__(self) -> str:
        return str(self.last_event_id)
