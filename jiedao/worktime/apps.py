from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorktimeConfig(AppConfig):
    name = "jiedao.worktime"
    verbose_name = _("工作时间")
