"""The working calendar: which days are working days, and the working periods within a day."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日")
    SWAPPED_WORKING_DAY = "swapped_working_day", _("调休上班")
    OFFICE_CLOSED = "office_closed", _("单位休息")
    OFFICE_WORKING = "office_working", _("单位上班")


class CalendarDay(models.Model):
    """An exception to the Monday–Friday rule. Days not listed follow the weekday rule."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=24, choices=DayKind.choices)
    is_working_day = models.BooleanField(_("是否上班"))
    name = models.CharField(_("说明"), max_length=60, blank=True)
    source = models.CharField(_("来源"), max_length=40, default="admin",
                              help_text=_("chinese-calendar 表示由程序包导入；admin 表示管理员维护"))

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class WorkPeriod(models.Model):
    """A working period within every working day, e.g. 08:30–12:00 and 13:30–17:30."""

    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))

    class Meta:
        verbose_name = _("工作时段")
        verbose_name_plural = _("工作时段")
        ordering = ["start"]
        constraints = [models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="work_period_ordered")]

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"
