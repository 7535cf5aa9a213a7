from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "jiedao.territory"
    verbose_name = _("属地与职责")
