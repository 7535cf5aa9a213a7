from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jiedao.jobs"
    verbose_name = _("后台任务")

    def ready(self):
        from . import checks  # noqa: F401  (registers the shared-cache check)
