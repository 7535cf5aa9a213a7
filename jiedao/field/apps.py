from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    name = "jiedao.field"
    verbose_name = _("外业巡查")
