"""大气污染源 as a leaders' theme page (`jiedao/web/themes.py`)."""

from django.utils.translation import gettext_lazy as _

from jiedao.web.themes import Theme

from .access import may_read_air


def air_theme() -> Theme:
    return Theme(key="air", title=_("大气污染源"), summary=_("污染源、超标次数、污染案件与现场检查"),
                 url_name="air:overview", may_view=may_read_air, order=30)
