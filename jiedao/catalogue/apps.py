from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "jiedao.catalogue"
    verbose_name = _("问题分类与立案规则")
