from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GreeningConfig(AppConfig):
    name = "jiedao.greening"
    verbose_name = _("绿化")
