from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WasteConfig(AppConfig):
    name = "jiedao.waste"
    verbose_name = _("垃圾分类")
