"""安全审计: the security log, separate from the case events (GB/T 22239-2019 level 3, 8.1.4.3).

One row per security-relevant act: who (and from which address and browser), what, on which
object, when, and whether it succeeded. The log is append-only three times over: the model refuses
to save an existing row or delete one, its queryset refuses bulk updates and deletes, and the
database itself refuses UPDATE and DELETE with triggers (migration 0002), so not even a raw query
from the application can rewrite history. Rows older than the retention period may be pruned by
`manage.py audit_prune`; the triggers refuse to delete anything younger than 180 days, the floor
of 《网络安全法》 Article 21."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedao.one_row import OneRowPolicy

# 《网络安全法》第二十一条: network logs are kept for no less than six months.
RETENTION_FLOOR_DAYS = 180


class EventKind(models.TextChoices):
    # 身份鉴别
    SIGN_IN = "sign_in", _("登录成功")
    SIGN_IN_FAILED = "sign_in_failed", _("登录失败")
    SIGN_OUT = "sign_out", _("退出登录")
    SESSION_EXPIRED = "session_expired", _("会话超时")
    LOCKED_OUT = "locked_out", _("账号锁定")
    UNLOCKED = "unlocked", _("解除锁定")
    PASSWORD_CHANGED = "password_changed", _("修改密码")
    PASSWORD_RESET = "password_reset", _("重置密码")
    SECOND_FACTOR_ADDED = "second_factor_added", _("启用双因素认证")
    SECOND_FACTOR_REMOVED = "second_factor_removed", _("停用双因素认证")
    SECOND_FACTOR_FAILED = "second_factor_failed", _("双因素认证失败")
    # 访问控制: accounts, duties, permissions, keys
    ADMIN_ADDED = "admin_added", _("后台新增")
    ADMIN_CHANGED = "admin_changed", _("后台修改")
    ADMIN_DELETED = "admin_deleted", _("后台删除")
    DUTY_CHANGED = "duty_changed", _("职责变更")
    PERMISSION_CHANGED = "permission_changed", _("权限变更")
    TOKEN_ISSUED = "token_issued", _("签发 API 令牌")
    TOKEN_REVOKED = "token_revoked", _("吊销 API 令牌")
    OPEN311_KEY_ISSUED = "open311_key_issued", _("签发 Open311 密钥")
    OPEN311_KEY_REVOKED = "open311_key_revoked", _("吊销 Open311 密钥")
    ACCESS_DENIED = "access_denied", _("越权访问被拒")
    # 个人信息保护: personal data leaving the system or shown in full
    EXPORT = "export", _("导出数据")
    DOWNLOAD = "download", _("下载文件")
    CONTACT_REVEALED = "contact_revealed", _("查看完整联系方式")
    # 数据备份恢复
    BACKUP = "backup", _("数据备份")
    RESTORE = "restore", _("数据恢复")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")


class SecurityEventQuerySet(models.QuerySet):
    """Bulk writes would bypass the model's guard; the log refuses them outright."""

    def update(self, **kwargs):
        raise AppendOnlyError(_("安全审计日志只能追加，不能修改"))

    def delete(self):
        raise AppendOnlyError(_("安全审计日志只能追加，不能删除"))

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(_("安全审计日志只能追加，不能修改"))


class AppendOnlyError(Exception):
    pass


class SecurityEvent(models.Model):
    at = models.DateTimeField(_("时间"), db_index=True)
    kind = models.CharField(_("事件"), max_length=32, choices=EventKind.choices)
    outcome = models.CharField(_("结果"), max_length=8, choices=Outcome.choices, default=Outcome.SUCCESS)
    # The person acting, kept as a plain number (no foreign key): deleting an account must neither
    # be blocked by its log nor rewrite it. The name is the one they had at the time.
    actor_id = models.BigIntegerField(_("操作人编号"), null=True, blank=True)
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)
    # What was acted on: "app_label.model:pk" (or a file name for a download) and its name then.
    target = models.CharField(_("对象"), max_length=200, blank=True)
    target_label = models.CharField(_("对象名称"), max_length=300, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("安全审计记录")
        verbose_name_plural = _("安全审计记录")
        ordering = ["-at", "-pk"]
        indexes = [
            # the auditor's page: one person's acts, newest first
            models.Index(fields=["actor_id", "-at"], name="security_event_actor"),
            # the auditor's page: one kind of act, newest first
            models.Index(fields=["kind", "-at"], name="security_event_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.actor_name}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(_("安全审计日志只能追加，不能修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(_("安全审计日志只能追加，不能删除"))


class AuditPolicy(OneRowPolicy):
    """How long the security log is kept: at least 180 days (the database refuses to delete younger
    rows whatever this says); `manage.py audit_prune` deletes what is older. One row."""

    retention_days = models.PositiveIntegerField(
        _("保存期限（天）"), default=RETENTION_FLOOR_DAYS,
        validators=[MinValueValidator(RETENTION_FLOOR_DAYS, message=_("安全审计日志至少保存 180 天"))],
        help_text=_("不少于 180 天（《网络安全法》第二十一条）；更早的记录由 audit_prune 命令删除"))

    class Meta:
        verbose_name = _("审计日志保存策略")
        verbose_name_plural = _("审计日志保存策略")
