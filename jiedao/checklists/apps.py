from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecklistsConfig(AppConfig):
    name = "jiedao.checklists"
    verbose_name = _("考评细则")
