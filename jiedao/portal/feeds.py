"""Atom and RSS feeds of an area's public steps (django.contrib.syndication): what a follower's
email would say, for a feed reader. Never the reporter, never an internal opinion."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from jiedao.territory.models import Unit

from .public import public_step
from .selectors import area_feed_events


class AreaFeed(Feed):
    def get_object(self, request, code: str):
        return get_object_or_404(Unit, code=code, is_active=True)

    def title(self, unit: Unit) -> str:
        return _("%(area)s · 问题办理动态") % {"area": unit.name}

    def link(self, unit: Unit) -> str:
        return reverse("portal:areas") + f"#unit-{unit.code}"

    def description(self, unit: Unit) -> str:
        return _("%(area)s范围内群众反映问题的受理、处理与办结情况") % {"area": unit.name}

    def items(self, unit: Unit):
        return area_feed_events(unit=unit)

    def item_title(self, event) -> str:
        return f"{event.case.number} {event.case.item.name}：{public_step(event)}"

    def item_description(self, event) -> str:
        return public_step(event)

    def item_link(self, event) -> str:
        return reverse("portal:case", args=[event.case.public_code]) + f"#step-{event.pk}"

    def item_guid(self, event) -> str:
        return f"jiedao-case-event-{event.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, event):
        return event.at

    def item_updateddate(self, event):
        return event.at


class AreaAtomFeed(AreaFeed):
    feed_type = Atom1Feed
    subtitle = AreaFeed.description
