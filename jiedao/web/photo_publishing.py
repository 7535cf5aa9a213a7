"""Staff choose which photos of a case the public may see (the portal shows only those)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiedao.cases import services
from jiedao.cases.errors import CaseError

from . import selectors


@login_required
@require_POST
def case_photo_publish(request: HttpRequest, number: str, photo_id: int) -> HttpResponse:
    case = selectors.case_for_page_or_none(user=request.user, number=number)
    photo = case.photos.filter(pk=photo_id).first() if case is not None else None
    if photo is None:
        raise Http404(_("未找到该照片"))
    public = request.POST.get("public") == "yes"
    try:
        services.case_photo_publish(photo=photo, by=request.user, public=public)
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("照片已公开") if public else _("照片已取消公开"))
    return redirect(reverse("web:case-detail", args=[case.number]) + "#photos")
