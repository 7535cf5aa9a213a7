"""The security auditor's page: the log, filtered and paginated, and the same list as Excel. Read
only: the page has no form that writes, and the log refuses edits anyway."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jiedao import clock
from jiedao.reports.xlsx import Column, table_to_xlsx
from jiedao.web.downloads import download

from .access import may_read_security_log
from .models import EventKind, Outcome
from .selectors import EventFilter, security_events

EVENTS_PER_PAGE = 50
EXPORT_LIMIT = 50_000


def _reader(request: HttpRequest):
    if not may_read_security_log(user=request.user):
        raise PermissionDenied(_("只有安全审计员可以查看安全审计日志"))


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    chosen = EventFilter.from_query(request.GET)
    paginator = Paginator(security_events(chosen=chosen), EVENTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/event_list.html", {
        "page": page, "rows": [(event, _detail_text(event.detail)) for event in page.object_list], "chosen": chosen, "kinds": EventKind.choices, "outcomes": Outcome.choices,
        "query_without_page": query.urlencode(),
    })


@login_required
@require_GET
def event_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as an .xlsx workbook (every cell text); the export is itself logged."""
    _reader(request)
    chosen = EventFilter.from_query(request.GET)
    events = list(security_events(chosen=chosen)[:EXPORT_LIMIT])
    now = timezone.localtime(clock.now())
    columns = [Column(_("时间"), "datetime", 18), Column(_("事件"), width=16), Column(_("结果"), width=8),
               Column(_("操作人"), width=16), Column(_("来源地址"), width=16), Column(_("客户端"), width=40),
               Column(_("对象"), width=24), Column(_("对象名称"), width=24), Column(_("详情"), width=60)]
    rows = [(event.at, event.get_kind_display(), event.get_outcome_display(), event.actor_name,
             event.address or "", event.user_agent, event.target, event.target_label,
             _detail_text(event.detail)) for event in events]
    data = table_to_xlsx(title=_("安全审计日志"), subtitle=_("导出时间 %(now)s") % {"now": f"{now:%Y-%m-%d %H:%M}"},
                         columns=columns, rows=rows)
    return download(data, request=request, filename=f"security-log-{now:%Y%m%d-%H%M}.xlsx",
                                rows=len(rows), detail={"filter": _filter_detail(chosen)})


def _detail_text(detail: dict) -> str:
    """`key: value; …`, values as JSON (what the page and the export show of the details)."""
    import json

    return "; ".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in sorted(detail.items()))


def _filter_detail(chosen: EventFilter) -> dict:
    return {name: str(value) for name, value in vars(chosen).items() if value}
