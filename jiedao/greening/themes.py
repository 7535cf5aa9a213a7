"""绿化 as a leaders' theme page (`jiedao/web/themes.py`)."""

from django.utils.translation import gettext_lazy as _

from jiedao.web.themes import Theme

from .access import may_read_greening


def greening_theme() -> Theme:
    return Theme(key="greening", title=_("绿化"), summary=_("新增绿化面积、成活率与待补植"),
                 url_name="greening:overview", may_view=may_read_greening, order=20)
