"""The register page (问责清单): every finding with its evidence; leaders record decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiedao.cases.access import may_view_dashboard
from jiedao.cases.errors import CaseError
from jiedao.params import choice_param

from .models import Decision, Finding, FindingState
from .selectors import finding_evidence, register
from .services import finding_decide, may_decide


@login_required
@require_GET
def finding_table(request: HttpRequest) -> HttpResponse:
    if not may_view_dashboard(user=request.user):
        raise PermissionDenied
    state = choice_param(request.GET, "state", FindingState.values) or None
    if request.GET.get("format") == "xlsx":
        return _register_xlsx(request, register(state=state))
    findings = list(register(state=state)[:300])
    return render(request, "accountability/finding_table.html", {
        "findings": findings, "state": state or "", "states": FindingState.choices,
        "may_decide": may_decide(user=request.user),
        "decisions": Decision.choices,
    })


@login_required
@require_GET
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_view_dashboard(user=request.user):
        raise PermissionDenied
    finding = get_object_or_404(register(), pk=pk)
    evidence = finding_evidence(finding=finding, user=request.user)
    return render(request, "accountability/finding_detail.html", {
        "finding": finding, "evidence": evidence.rows, "hidden_count": evidence.hidden_count,
        "inspection_evidence": evidence.inspections, "hidden_inspections": evidence.hidden_inspections,
        "may_decide": may_decide(user=request.user) and finding.state == FindingState.PROPOSED,
        "decisions": Decision.choices,
    })


@login_required
@require_POST
def finding_decision(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_object_or_404(Finding, pk=pk)
    try:
        finding_decide(finding=finding, by=request.user, measure=request.POST.get("measure", ""),
                       reason=request.POST.get("reason", ""))
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已记录决定"))
    return redirect("accountability:finding-detail", pk=pk)


def _register_xlsx(request: HttpRequest, findings) -> HttpResponse:
    """The whole register as the page filters it, to pass around (every row, not only the first 300)."""
    from django.utils import timezone

    from jiedao import clock
    from jiedao.reports.xlsx import Column, table_to_xlsx
    from jiedao.web.downloads import download

    columns = [Column(_("统计期起"), "date", 12), Column(_("统计期止"), "date", 12), Column(_("问题类型"), width=10),
               Column(_("对象"), width=22), Column(_("问题摘要"), width=60), Column(_("证据案件数"), "integer", 10),
               Column(_("建议措施"), width=10), Column(_("状态"), width=10), Column(_("决定"), width=10),
               Column(_("决定理由"), width=30), Column(_("决定人"), width=12), Column(_("决定时间"), "datetime", 18)]
    rows = [(finding.period_start, finding.period_end, finding.get_kind_display(), str(finding.subject),
             finding.display_summary, finding.evidence_count, finding.get_proposed_measure_display(),
             finding.get_state_display(), finding.get_decision_display(), finding.decision_reason,
             finding.decided_by.display_name if finding.decided_by else "", finding.decided_at)
            for finding in findings.annotate(evidence_count=Count("evidence"))]
    now = timezone.localtime(clock.now())
    data = table_to_xlsx(title=_("问责清单"), subtitle=_("导出时间 %(now)s") % {"now": f"{now:%Y-%m-%d %H:%M}"},
                         columns=columns, rows=rows)
    return download(data, f"accountability-{now:%Y%m%d-%H%M}.xlsx", request=request, rows=len(rows))
