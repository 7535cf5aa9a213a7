"""项目库 as a leaders' theme page (`jiedao/web/themes.py`)."""

from django.utils.translation import gettext_lazy as _

from jiedao.web.themes import Theme

from .access import may_read_projects


def projects_theme() -> Theme:
    return Theme(key="projects", title=_("项目库"), summary=_("项目阶段、里程碑按期与逾期、预算执行"),
                 url_name="projects:overview", may_view=may_read_projects, order=50)
