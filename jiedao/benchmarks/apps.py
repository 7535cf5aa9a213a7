from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchmarksConfig(AppConfig):
    name = "jiedao.benchmarks"
    verbose_name = _("对标创建")
