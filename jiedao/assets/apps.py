from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "jiedao.assets"
    verbose_name = _("部件与保洁区域")

    def ready(self):
        # The asset's state follows its repair case (cases/signals.py, sent inside the transition).
        from jiedao.cases.signals import case_transitioned

        from .services import asset_state_follow_case

        case_transitioned.connect(asset_state_follow_case, dispatch_uid="assets-state-follows-case")

        # Assets and cleaning zones as subjects of duty plans (maintenance per class, cleaning per grade).
        from jiedao.duties.registry import subject_kind_register

        from .models import Asset, CleaningZone

        subject_kind_register(key="asset", model=Asset, label=_("管理部件"),
                              filters={"component_code": _("部件小类代码"), "state": _("部件状态"), "grid": _("所在网格")},
                              unit_of=lambda asset: asset.grid_id, geometry_of=_asset_geometry, related=("item",))
        subject_kind_register(key="cleaning_zone", model=CleaningZone, label=_("保洁区域"),
                              filters={"grade": _("保洁等级")}, unit_of=lambda zone: zone.grid_id,
                              geometry_of=lambda zone: zone.geometry)


def _asset_geometry(asset) -> dict:
    return asset.line or {"type": "Point", "coordinates": [asset.longitude, asset.latitude]}
