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
