from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiversConfig(AppConfig):
    name = "jiedao.rivers"
    verbose_name = _("河长制")

    def ready(self) -> None:
        from jiedao.duties.registry import subject_kind_register

        from .models import RiverSegment

        # River segments are duty subjects: the chiefs' patrol plans (jiedao/duties) name them, and
        # a submitted patrol is recorded as the chief's duty work (duty_work.py).
        subject_kind_register(key="river_segment", model=RiverSegment, label=_("河段"),
                              filters={"waterbody": _("河湖"), "waterbody__code": _("河湖代码")},
                              unit_of=lambda segment: segment.unit_id, geometry_of=lambda segment: segment.geometry)
