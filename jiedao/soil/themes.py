"""土壤监测 as a leaders' theme page (`jiedao/web/themes.py`)."""

from django.utils.translation import gettext_lazy as _

from jiedao.web.themes import Theme

from .access import may_read_soil


def soil_theme() -> Theme:
    return Theme(key="soil", title=_("土壤监测"), summary=_("监测点位、超筛选值与超管制值的点位、修复项目"),
                 url_name="soil:overview", may_view=may_read_soil, order=40)
