from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AirConfig(AppConfig):
    name = "jiedao.air"
    verbose_name = _("大气污染源")
