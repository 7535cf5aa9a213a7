from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AddressesConfig(AppConfig):
    name = "jiedao.addresses"
    verbose_name = _("标准地址")
