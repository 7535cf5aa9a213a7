"""The leaders' theme pages (专题: 垃圾分类, 绿化, 大气, 土壤, 项目库 …), each an app's own page in the
dashboard's style. An app offers its page with one line in `CONTRIBUTED` below — the dotted path of
a function returning a `Theme` — read only when the app is installed, so a branch without the app
runs as before. `/themes/` lists the ones the reader may open, in `order`."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.urls import reverse


@dataclass(frozen=True)
class Theme:
    key: str
    title: str  # lazy translated
    summary: str  # one line: what the page answers
    url_name: str  # the theme's leader page
    may_view: Callable[..., bool]  # may_view(user=…)
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)


CONTRIBUTED: tuple[tuple[str, str], ...] = (
    ("jiedao.greening", "jiedao.greening.themes.greening_theme"),
    ("jiedao.soil", "jiedao.soil.themes.soil_theme"),
    ("jiedao.waste", "jiedao.waste.themes.waste_theme"),
    ("jiedao.air", "jiedao.air.themes.air_theme"),
    ("jiedao.projects", "jiedao.projects.themes.projects_theme"),
)


def _contributed() -> Iterable[Theme]:
    for app, dotted in CONTRIBUTED:
        if not apps.is_installed(app):
            continue
        module, name = dotted.rsplit(".", 1)
        yield getattr(import_module(module), name)()


def themes_for(*, user) -> list[Theme]:
    """The theme pages `user` may open, in order."""
    return sorted((theme for theme in _contributed() if theme.may_view(user=user)),
                  key=lambda theme: (theme.order, theme.key))


def units_below(*, unit, tops: list, last_level: str) -> list:
    """A theme page's drill-down rows: the reader's tops when they hold several and none is chosen;
    else the active units right below `unit`; none once `unit` is at `last_level`."""
    from jiedao.territory.models import Unit

    if unit is None:
        return tops if len(tops) > 1 else []
    if unit.level == last_level:
        return []
    return list(Unit.objects.filter(parent=unit, is_active=True).order_by("code"))
