"""The escalation ladder (standards.md §4.3) and the notifications it sends.

`EscalationStep` is the configuration (seeded by `seed_supervision`, editable in the admin);
`CaseEscalation` records that a case reached a step, once (unique per case and step: the sweep's
idempotency); `Notification` is the in-app bell; `Delivery` is one message on one outside channel
(email, WeCom or DingTalk robot), sent by the worker with retry."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedao.cases.models import Case
from jiedao.territory.models import Organisation, Unit


class EscalationCode(models.TextChoices):
    # standards.md §4.3, "Suggested escalation ladder"
    REMIND = "remind", _("提醒")
    URGE = "urge", _("催办")
    SUPERVISE = "supervise", _("督办")
    BULLETIN = "bulletin", _("通报")


class NotifyTarget(models.TextChoices):
    HANDLER = "handler", _("处置人员")
    DEPARTMENT_ADMIN = "department_admin", _("部门管理员")
    FIRST_RESPONSIBLE = "first_responsible", _("属地社区第一责任人")
    AREA_LEADER = "area_leader", _("包片领导")
    LEADER = "leader", _("街道领导")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内消息")
    EMAIL = "email", _("电子邮件")
    WECOM = "wecom", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉群机器人")


# The outside channels: one Delivery row per message per channel; in-app is the Notification itself.
DELIVERY_CHANNELS = frozenset({Channel.EMAIL, Channel.WECOM, Channel.DINGTALK})


class EscalationStep(models.Model):
    code = models.CharField(_("级别"), max_length=16, choices=EscalationCode.choices, unique=True)
    order = models.PositiveSmallIntegerField(_("顺序"))
    threshold = models.DecimalField(_("时限用去比例"), max_digits=5, decimal_places=2,
                                    help_text=_("处置时限用去该比例即触发（1.00 即到期，2.00 即超期一倍）"))
    targets = models.JSONField(_("通知对象"), default=list, blank=True,
                               help_text=_("可选：handler、department_admin、first_responsible、area_leader、leader"))
    channels = models.JSONField(_("通知渠道"), default=list, blank=True,
                                help_text=_("可选：in_app、email、wecom、dingtalk"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("督办级别")
        verbose_name_plural = _("督办级别")
        ordering = ["order", "threshold"]

    def __str__(self) -> str:
        return f"{self.get_code_display()} ≥ {self.threshold}"


class CaseEscalation(models.Model):
    """A case reached a step of the ladder. Never deleted; the unique pair makes the sweep idempotent."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="escalations", verbose_name=_("案件"))
    step = models.ForeignKey(EscalationStep, on_delete=models.PROTECT, related_name="escalations",
                             verbose_name=_("督办级别"))
    reached_at = models.DateTimeField(_("触发时间"))
    ratio = models.DecimalField(_("当时时限用去比例"), max_digits=8, decimal_places=4)
    # Which sweep inserted the row: two sweeps racing both try the insert, and each goes on with
    # (events, notifications) only for the rows it actually won.
    sweep_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("案件督办记录")
        verbose_name_plural = _("案件督办记录")
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="case_escalation_once")]
        indexes = [
            # the rows a sweep just inserted
            models.Index(fields=["sweep_id"], name="case_escalation_sweep"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.step_id} {self.reached_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name=_("接收人"))
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="notifications",
                             verbose_name=_("案件"))
    escalation = models.ForeignKey(CaseEscalation, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="notifications", verbose_name=_("督办记录"))
    kind = models.CharField(_("类型"), max_length=24)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        indexes = [
            # the bell: a person's unread messages; the list: newest first
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent"),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationChannel(models.Model):
    """Where a unit's or an organisation's messages go besides the app."""

    unit = models.OneToOneField(Unit, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="notification_channel", verbose_name=_("属地单位"))
    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="notification_channel", verbose_name=_("部门/单位"))
    email_enabled = models.BooleanField(_("发送电子邮件"), default=True)
    wecom_webhook_url = models.URLField(_("企业微信群机器人 Webhook"), max_length=500, blank=True)
    dingtalk_webhook_url = models.URLField(_("钉钉群机器人 Webhook"), max_length=500, blank=True)
    dingtalk_secret = models.CharField(_("钉钉加签密钥"), max_length=200, blank=True,
                                       help_text=_("机器人安全设置选择“加签”时填写（SEC 开头）"))

    class Meta:
        verbose_name = _("通知渠道")
        verbose_name_plural = _("通知渠道")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(unit__isnull=False, organisation__isnull=True)
                           | models.Q(unit__isnull=True, organisation__isnull=False)),
                name="notification_channel_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return str(self.unit or self.organisation)


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Delivery(models.Model):
    """One message on one outside channel. Claimed with a conditional update, so that a retry or a
    second worker never sends it twice."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="deliveries", verbose_name=_("消息"))
    escalation = models.ForeignKey(CaseEscalation, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="deliveries", verbose_name=_("督办记录"))
    config = models.ForeignKey(NotificationChannel, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="deliveries", verbose_name=_("通知渠道"))
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    address = models.CharField(_("地址"), max_length=500)
    payload = models.JSONField(_("内容"), default=dict)
    state = models.CharField(_("状态"), max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"))
    claimed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息投递")
        verbose_name_plural = _("消息投递")
        indexes = [
            # the retry job: pending deliveries that are due, and sending ones whose lease ran out
            models.Index(fields=["state", "next_attempt_at"], name="delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address[:60]} · {self.get_state_display()}"


DEFAULT_LADDER: tuple[dict, ...] = (
    # standards.md §4.3: 80% 提醒; 100% 催办 by the 指挥中心 (the department and the 属地);
    # 2× 督办 by a leader (the area leader); repeated failure 通报 (3×, our default). "Make every
    # threshold configuration": these are only the seeded values.
    {"code": EscalationCode.REMIND, "order": 1, "threshold": Decimal("0.80"),
     "targets": [NotifyTarget.HANDLER], "channels": [Channel.IN_APP, Channel.EMAIL]},
    {"code": EscalationCode.URGE, "order": 2, "threshold": Decimal("1.00"),
     "targets": [NotifyTarget.HANDLER, NotifyTarget.DEPARTMENT_ADMIN, NotifyTarget.FIRST_RESPONSIBLE],
     "channels": [Channel.IN_APP, Channel.EMAIL, Channel.WECOM, Channel.DINGTALK]},
    {"code": EscalationCode.SUPERVISE, "order": 3, "threshold": Decimal("2.00"),
     "targets": [NotifyTarget.DEPARTMENT_ADMIN, NotifyTarget.FIRST_RESPONSIBLE, NotifyTarget.AREA_LEADER],
     "channels": [Channel.IN_APP, Channel.EMAIL, Channel.WECOM, Channel.DINGTALK]},
    {"code": EscalationCode.BULLETIN, "order": 4, "threshold": Decimal("3.00"),
     "targets": [NotifyTarget.DEPARTMENT_ADMIN, NotifyTarget.FIRST_RESPONSIBLE, NotifyTarget.AREA_LEADER,
                 NotifyTarget.LEADER],
     "channels": [Channel.IN_APP, Channel.EMAIL, Channel.WECOM, Channel.DINGTALK]},
)
