"""The benchmarking pages: the titles, the gap report of one (page, PDF, Word, Excel), and the
evidence pages where departments upload and leaders review. Thin: selectors read, services write."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiedao import clock
from jiedao.evaluation.periods import CUSTOM, PERIODS, Period, PeriodError, period_between, period_named
from jiedao.params import BadParameter, choice_param, date_param, id_param
from jiedao.reports.bulletin import bulletin_docx, bulletin_pdf
from jiedao.web.downloads import download

from .access import (
    evidence_criteria_for,
    may_read_benchmarks,
    may_read_evidence,
    may_review_evidence,
    may_submit_evidence,
    may_work_on_evidence,
)
from .documents import as_bulletin, as_xlsx, figures, summary_lines
from .models import Criterion, EvidenceFile, EvidenceSubmission, FileKind, Method, PeerUnit
from .selectors import STATUS_LABELS, gap_report, latest_submissions, peers_of, submissions_of, titles_active
from .services import evidence_review, evidence_submit

# Benchmarking looks over a stretch of time: the last 60 days unless another period is chosen.
DEFAULT_PERIOD = "days60"
FORMATS = ("html", "pdf", "docx", "xlsx")


def _period(request: HttpRequest) -> Period:
    """The period asked for: a named one, or custom with `from` and `to`; anything unreadable is a 400."""
    code = choice_param(request.GET, "period", [*dict(PERIODS), CUSTOM], default=DEFAULT_PERIOD)
    now = timezone.localtime(clock.now())
    if code != CUSTOM:
        return period_named(code, now=now)
    first_day, last_day = date_param(request.GET, "from"), date_param(request.GET, "to")
    if first_day is None or last_day is None:
        raise BadParameter(_("自定义周期须给出开始日期 from 和结束日期 to"), field="from")
    try:
        return period_between(first_day, last_day, tz=now.tzinfo)
    except PeriodError as error:
        raise BadParameter(str(error), field="to") from None


def _period_query(period: Period) -> str:
    if period.code == CUSTOM:
        return f"period={CUSTOM}&from={period.first_day:%Y-%m-%d}&to={period.last_day:%Y-%m-%d}"
    return f"period={period.code}"


def _reader(request: HttpRequest) -> None:
    if not may_read_benchmarks(user=request.user):
        raise PermissionDenied


@login_required
@require_GET
def title_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    period = _period(request)
    reports = [gap_report(title=title, period=period, detail=False) for title in titles_active()]
    return render(request, "benchmarks/title_list.html", {
        "reports": reports, "period": period.code, "periods": PERIODS, "start": period.first_day,
        "last_day": period.last_day, "period_query": _period_query(period),
        "may_edit": request.user.has_perm("benchmarks.change_criterion"),
    })


def _peer(request: HttpRequest, peers: list[PeerUnit]) -> PeerUnit | None:
    key = id_param(request.GET, "peer")
    if key is None:
        return peers[0] if peers else None
    peer = next((peer for peer in peers if peer.pk == key), None)
    if peer is None:
        raise BadParameter(_("参数 %(name)s 的取值无效") % {"name": "peer"}, field="peer")
    return peer


@login_required
@require_GET
def gap_report_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Where we stand against each criterion of a title: on the page, or as PDF, Word or Excel."""
    _reader(request)
    title = get_object_or_404(titles_active(), pk=pk)
    period = _period(request)
    wanted = choice_param(request.GET, "format", FORMATS, default="html")
    peer = _peer(request, peers_of(title))
    report = gap_report(title=title, period=period, peer=peer)
    if wanted != "html":
        return _document(request, report, wanted)
    return render(request, "benchmarks/gap_report.html", {
        "report": report, "period": period.code, "periods": PERIODS, "start": period.first_day,
        "last_day": period.last_day, "period_query": _period_query(period),
        "peer_query": f"&peer={peer.pk}" if peer is not None else "",
        "summary_lines": summary_lines(report, sample_note=False), "figures": figures(report),
        "evaluation_cases": reverse("web:evaluation-cases"),
    })


def _document(request: HttpRequest, report, wanted: str) -> HttpResponse:
    period = report.period
    name = f"benchmark-{report.title.pk}-{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}.{wanted}"
    detail = {"title": report.title.pk, "period": [str(period.first_day), str(period.last_day)]}
    if wanted == "xlsx":
        data, rows = as_xlsx(report)
        return download(data, name, request=request, rows=rows, detail=detail)
    issue = as_bulletin(report, issued_at=clock.now())
    render_file = bulletin_pdf if wanted == "pdf" else bulletin_docx
    return download(render_file(issue), name, request=request, rows=len(report.rows), detail=detail)


# ---------------------------------------------------------------- evidence (佐证材料)

@login_required
@require_GET
def evidence_list(request: HttpRequest) -> HttpResponse:
    """The evidence criteria this person works on, with where each stands."""
    if not may_work_on_evidence(user=request.user):
        raise PermissionDenied
    criteria = list(evidence_criteria_for(user=request.user).select_related("title", "department")
                    .order_by("title_id", "order", "pk"))
    latest = latest_submissions(criteria)
    rows = []
    for criterion in criteria:
        submission = latest.get(criterion.pk)
        status = (submission.decision or "pending") if submission is not None else "missing"
        rows.append({"criterion": criterion, "submission": submission, "status": status,
                     "status_label": STATUS_LABELS[status]})
    return render(request, "benchmarks/evidence_list.html", {
        "rows": rows, "may_review": may_review_evidence(user=request.user),
        "to_review": sum(1 for row in rows if row["status"] == "pending"),
    })


def _evidence_criterion(request: HttpRequest, pk: int) -> Criterion:
    criterion = get_object_or_404(Criterion.objects.select_related("title", "department"), pk=pk,
                                  method=Method.EVIDENCE, title__is_active=True)
    if not may_read_evidence(user=request.user, criterion=criterion):
        if not may_work_on_evidence(user=request.user):
            raise PermissionDenied
        raise Http404  # another department's criterion: as if it did not exist
    return criterion


@login_required
@require_http_methods(["GET", "POST"])
def criterion_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """One criterion's evidence: every submission with its files and decision; a new upload."""
    criterion = _evidence_criterion(request, pk)
    user = request.user
    error = ""
    note = ""
    if request.method == "POST":
        note = request.POST.get("note", "")
        try:
            evidence_submit(criterion=criterion, by=user, files=request.FILES.getlist("files"), note=note)
        except ValidationError as refused:
            error = " ".join(refused.messages)
            messages.error(request, error)
        else:
            messages.success(request, _("佐证材料已提交，等待审核"))
            return redirect("benchmarks:criterion-evidence", pk=criterion.pk)
    submissions = list(submissions_of(criterion=criterion))
    latest = submissions[0] if submissions else None
    return render(request, "benchmarks/criterion_evidence.html", {
        "criterion": criterion, "submissions": submissions, "latest": latest, "note": note, "error": error,
        "may_submit": may_submit_evidence(user=user, criterion=criterion),
        "may_review": (latest is not None and not latest.decision and may_review_evidence(user=user)
                       and latest.submitted_by_id != user.pk),
        "may_read_report": may_read_benchmarks(user=user),
        "file_mb": settings.JIEDAO_EVIDENCE_FILE_MAX_BYTES // (1024 * 1024),
        "files_most": settings.JIEDAO_EVIDENCE_FILES_PER_SUBMISSION,
        "total_mb": settings.JIEDAO_REQUEST_MAX_BYTES // (1024 * 1024),
    }, status=400 if error else 200)


@login_required
@require_POST
def submission_review(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_object_or_404(EvidenceSubmission.objects.select_related("criterion"), pk=pk)
    criterion = _evidence_criterion(request, submission.criterion_id)
    verdict = request.POST.get("decision", "")
    if verdict not in {"accepted", "rejected"}:
        messages.error(request, _("请选择通过或不通过"))
    else:
        try:
            evidence_review(submission=submission, by=request.user, accepted=verdict == "accepted",
                            reason=request.POST.get("reason", ""))
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(request, _("已记录审核结果"))
    return redirect("benchmarks:criterion-evidence", pk=criterion.pk)


@login_required
@require_GET
def evidence_file(request: HttpRequest, pk: int, size: str) -> HttpResponse:
    """A file of a submission, to whoever may read the criterion's evidence: photos shown in the page,
    documents downloaded (and written to the security log)."""
    stored = get_object_or_404(EvidenceFile.objects.select_related("submission__criterion"), pk=pk)
    criterion = stored.submission.criterion
    if not may_read_evidence(user=request.user, criterion=criterion):
        raise Http404
    if stored.kind == FileKind.DOCUMENT:
        if size != "file":
            raise Http404
        with stored.file.open("rb") as handle:
            data = handle.read()
        return download(data, f"evidence-{stored.pk}.{stored.extension}", request=request,
                        detail={"criterion": criterion.pk, "submission": stored.submission_id})
    if size not in {"file", "thumbnail"}:
        raise Http404
    image = stored.thumbnail if size == "thumbnail" else stored.file
    response = FileResponse(image.open("rb"), content_type="image/jpeg" if size == "thumbnail"
                            else stored.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
