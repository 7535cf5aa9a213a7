from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "jiedao.duties"
    verbose_name = _("长效履职")

    def ready(self) -> None:
        from jiedao.addresses.models import Road

        from .registry import subject_kind_register

        # Streets are what cleaning plans are about until the cleaning zones' register lands.
        subject_kind_register(key="road", model=Road, label=_("道路（街路巷）"), filters={"status": _("状态")},
                              geometry_of=lambda road: road.line)
