from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "jiedao.territory"
    verbose_name = _("属地与职责")

    def ready(self):
        # Cache invalidation only, not a domain rule: any saved or deleted unit makes this
        # process rebuild its grid locator on next use (see territory/locator.py).
        from .locator import grid_locator_invalidate
        from .models import Unit

        post_save.connect(grid_locator_invalidate, sender=Unit, dispatch_uid="territory_locator_save")
        post_delete.connect(grid_locator_invalidate, sender=Unit, dispatch_uid="territory_locator_delete")
