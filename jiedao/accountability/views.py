"""The register page (问责清单): every finding with its evidence; leaders record decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiedao.cases.access import may_view_dashboard
from jiedao.cases.errors import CaseError

from .models import Decision, Finding, FindingState
from .selectors import finding_evidence, register
from .services import finding_decide, may_decide


@login_required
@require_GET
def finding_table(request: HttpRequest) -> HttpResponse:
    if not may_view_dashboard(user=request.user):
        raise PermissionDenied
    state = request.GET.get("state") if request.GET.get("state") in FindingState.values else None
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
    return render(request, "accountability/finding_detail.html", {
        "finding": finding, "evidence": finding_evidence(finding=finding),
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
