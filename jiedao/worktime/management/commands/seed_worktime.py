"""Seed the working calendar: default working periods and the 法定节假日 / 调休 days the installed
chinese_calendar knows. Safe to run again; administrators' days are never overwritten."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from jiedao.worktime.services import (
    calendar_package_years,
    calendar_seed_from_package,
    work_periods_seed_default,
)


class Command(BaseCommand):
    help = _("导入默认工作时段和法定节假日、调休上班日（可重复运行）")

    def handle(self, *args, **options):
        periods = work_periods_seed_default()
        years = calendar_package_years()
        days = calendar_seed_from_package(years=years)
        self.stdout.write(str(_("工作时段：新增 %(count)d 条") % {"count": periods}))
        self.stdout.write(str(_("工作日历 %(first)d–%(last)d 年：新增或更新 %(count)d 天")
                              % {"first": years.start, "last": years.stop - 1, "count": days}))
