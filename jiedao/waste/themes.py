"""垃圾分类 as a leaders' theme page (`jiedao/web/themes.py`)."""

from django.utils.translation import gettext_lazy as _

from jiedao.web.themes import Theme

from .access import may_read_waste


def waste_theme() -> Theme:
    return Theme(key="waste", title=_("垃圾分类"), summary=_("覆盖率、参与率、准确率与回收利用率，清运量与去向"),
                 url_name="waste:overview", may_view=may_read_waste, order=10)
