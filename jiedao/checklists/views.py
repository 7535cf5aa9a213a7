"""The office's pages of checklists: the list, a version as a readable sheet with its history, its
`.xlsx`, and for editors a new checklist, a revision, an import into the draft and publishing.
Readers and editors: `services.may_read_checklists` / `may_edit_checklists`. A draft is shown to
editors only; every change is a POST through the services, and a refusal is shown, nothing written."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jiedao.cases.errors import CaseError
from jiedao.territory.services import ImportRejected, RowError
from jiedao.web.downloads import download

from . import workbook
from .models import Checklist, ChecklistVersion, VersionStatus
from .scoring import sheet_problems
from .selectors import checklists_overview, sheet_of, version_history, version_sheet
from .services import (
    checklist_create,
    checklist_revise,
    may_edit_checklists,
    may_read_checklists,
    version_publish,
)

INTERPRETED_KEY = "checklists-interpreted-%d"  # the session's note of items read from words, per draft
INTERPRETED_SHOWN = 100


def _require_reader(request: HttpRequest) -> bool:
    if not may_read_checklists(user=request.user):
        raise PermissionDenied(_("您无权查看考评细则"))
    return may_edit_checklists(user=request.user)


def _require_editor(request: HttpRequest) -> None:
    if not may_edit_checklists(user=request.user):
        raise PermissionDenied(_("只有系统管理员和街道领导可以修改考评细则"))


def _version(request: HttpRequest, code: str, number: int, *, may_edit: bool) -> ChecklistVersion:
    version = get_object_or_404(ChecklistVersion.objects.select_related("checklist"), checklist__code=code,
                                 number=number)
    if version.status == VersionStatus.DRAFT and not may_edit:
        raise Http404  # a draft is the editors' work in progress
    return version


class ChecklistForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=120)
    code = forms.SlugField(label=gettext_lazy("编号"), max_length=40,
                           help_text=gettext_lazy("英文字母、数字和连字符，如 back-lanes；建成后不再改变"))
    applies_to = forms.CharField(label=gettext_lazy("检查对象"), max_length=60, required=False,
                                 help_text=gettext_lazy("如 社区、行政村、住宅小区、建筑工地、背街小巷"))


@login_required
@require_GET
def checklist_list(request: HttpRequest) -> HttpResponse:
    may_edit = _require_reader(request)
    return _list_page(request, may_edit=may_edit, form=ChecklistForm() if may_edit else None)


def _list_page(request: HttpRequest, *, may_edit: bool, form, status: int = 200) -> HttpResponse:
    return render(request, "checklists/checklist_list.html", {
        "rows": checklists_overview(with_drafts=may_edit), "may_edit": may_edit, "form": form,
    }, status=status)


@login_required
@require_POST
def checklist_new(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    form = ChecklistForm(request.POST)
    if form.is_valid():
        try:
            draft = checklist_create(by=request.user, **form.cleaned_data)
        except CaseError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("已建立“%(name)s”的第 1 版草稿：请导入 Excel 细则后发布") % {"name": draft.checklist.name})
            return redirect("checklists:version-detail", code=draft.checklist.code, number=draft.number)
    return _list_page(request, may_edit=True, form=form, status=400)


@login_required
@require_GET
def checklist_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A checklist opens on its version in force (an editor's unpublished one on its draft)."""
    may_edit = _require_reader(request)
    checklist = get_object_or_404(Checklist, code=code)
    versions = checklist.versions.all() if may_edit else checklist.versions.exclude(status=VersionStatus.DRAFT)
    version = (versions.filter(status=VersionStatus.PUBLISHED).first() or versions.order_by("-number").first())
    if version is None:
        raise Http404
    return redirect("checklists:version-detail", code=code, number=version.number)


@login_required
@require_GET
def version_detail(request: HttpRequest, code: str, number: int) -> HttpResponse:
    may_edit = _require_reader(request)
    return _version_page(request, _version(request, code, number, may_edit=may_edit), may_edit=may_edit)


def _version_page(request: HttpRequest, version: ChecklistVersion, *, may_edit: bool,
                  import_errors: list[RowError] | None = None, status: int = 200) -> HttpResponse:
    checklist = version.checklist
    history = list(version_history(checklist))
    if not may_edit:
        history = [entry for entry in history if entry.status != VersionStatus.DRAFT]
    draft = next((entry for entry in history if entry.status == VersionStatus.DRAFT), None)
    problems: list[str] = []
    interpreted = []
    if version.is_editable:
        sheet = sheet_of(version)
        problems = [str(problem) for problem in sheet_problems(sheet)]
        if not sheet.items:
            problems.append(_("版本没有任何条目，不能发布"))
        interpreted = request.session.get(INTERPRETED_KEY % version.pk, [])
    return render(request, "checklists/version_detail.html", {
        "checklist": checklist, "version": version, "sections": version_sheet(version),
        "history": history, "draft": draft, "may_edit": may_edit, "problems": problems,
        "import_errors": import_errors or [], "interpreted": interpreted,
        "max_bytes_mb": workbook.MAX_BYTES // (1024 * 1024), "max_rows": workbook.MAX_ROWS,
    }, status=status)


@login_required
@require_GET
def version_export(request: HttpRequest, code: str, number: int) -> HttpResponse:
    may_edit = _require_reader(request)
    version = _version(request, code, number, may_edit=may_edit)
    data, items = workbook.version_xlsx(version)
    return download(data, f"checklist-{version.checklist.code}-v{version.number}.xlsx", request=request,
                    rows=items, detail={"checklist": version.checklist.code, "version": version.number})


@login_required
@require_POST
def checklist_revise_view(request: HttpRequest, code: str) -> HttpResponse:
    _require_editor(request)
    checklist = get_object_or_404(Checklist, code=code)
    try:
        draft = checklist_revise(checklist=checklist, by=request.user)
    except CaseError as error:
        messages.error(request, error.message)
        return redirect("checklists:checklist-detail", code=code)
    messages.success(request, _("已建立修订草稿（第 %(number)d 版），内容复制自上一版；发布前不影响现行版本")
                     % {"number": draft.number})
    return redirect("checklists:version-detail", code=code, number=draft.number)


@login_required
@require_POST
def version_import(request: HttpRequest, code: str, number: int) -> HttpResponse:
    _require_editor(request)
    version = _version(request, code, number, may_edit=True)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ImportRejected([RowError(None, "", _("请选择要导入的 .xlsx 文件"))])
        if upload.size > workbook.MAX_BYTES:  # refused before a byte of it is read
            raise ImportRejected([RowError(None, "", _("文件太大（上限 %(mb)d MB）")
                                           % {"mb": workbook.MAX_BYTES // (1024 * 1024)})])
        read = workbook.version_import_xlsx(version=version, data=upload.read(), by=request.user)
    except ImportRejected as rejected:
        messages.error(request, _("导入失败，未写入任何内容：共 %(count)d 处问题，见下表") % {"count": len(rejected.errors)})
        return _version_page(request, version, may_edit=True, import_errors=rejected.errors, status=400)
    except CaseError as error:
        messages.error(request, error.message)
        return redirect("checklists:version-detail", code=code, number=number)
    request.session[INTERPRETED_KEY % version.pk] = [
        {"row": entry.row, "label": entry.label, "summary": entry.summary} for entry in read.interpreted[:INTERPRETED_SHOWN]]
    messages.success(request, _("已导入 %(sections)d 个部分、%(items)d 个条目（草稿，尚未发布）")
                     % {"sections": len(read.sections), "items": read.item_count})
    if read.interpreted:
        messages.warning(request, _("%(count)d 个条目的计分方式是从评分标准的文字识别的，请逐条核对（见“由文字识别的条目”）")
                         % {"count": len(read.interpreted)})
    return redirect("checklists:version-detail", code=code, number=number)


@login_required
@require_POST
def version_publish_view(request: HttpRequest, code: str, number: int) -> HttpResponse:
    _require_editor(request)
    version = _version(request, code, number, may_edit=True)
    note = (request.POST.get("note") or "").strip()[:255]
    try:
        version_publish(version=version, by=request.user, note=note)
    except CaseError as error:
        messages.error(request, _("未发布：%(reason)s") % {"reason": error.message})
    else:
        request.session.pop(INTERPRETED_KEY % version.pk, None)
        messages.success(request, _("第 %(number)d 版已发布，成为现行版本；此前的版本已停用，历次检查仍按原版本计分")
                         % {"number": version.number})
    return redirect("checklists:version-detail", code=code, number=number)
