from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupConfig(AppConfig):
    name = "jiedao.backup"
    verbose_name = _("数据备份恢复")
