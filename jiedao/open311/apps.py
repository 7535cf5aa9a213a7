from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "jiedao.open311"
    verbose_name = _("Open311 接口")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from jiedao.catalogue.models import CatalogueItem

        from .lookups import lookups_forget
        from .models import Open311Client, Open311Policy, ServiceAttribute

        for model in (Open311Client, Open311Policy, ServiceAttribute, CatalogueItem):
            post_save.connect(lookups_forget, sender=model, dispatch_uid=f"open311_lookups_save_{model.__name__}")
            post_delete.connect(lookups_forget, sender=model, dispatch_uid=f"open311_lookups_delete_{model.__name__}")
