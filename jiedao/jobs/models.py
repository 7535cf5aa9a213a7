from django.db import models
from django.utils.translation import gettext_lazy as _


class Lease(models.Model):
    """Who runs a periodic job now, and until when (leases.py). One row per job, made on first use
    with the job's default duration; an administrator may lengthen a lease that proves too short."""

    name = models.CharField(_("任务"), max_length=100, primary_key=True)
    duration = models.DurationField(
        _("租约时长"), help_text=_("须长于任务最长一次运行的时间；进程异常退出后，超过该时长其他进程才能接手"))
    holder = models.CharField(_("持有者令牌"), max_length=64, blank=True, default="")
    acquired_at = models.DateTimeField(_("取得时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("任务租约")
        verbose_name_plural = _("任务租约")

    def __str__(self) -> str:
        return self.name
