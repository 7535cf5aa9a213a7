"""/greening/: the list with filters and totals, a planting's page with its checks, and the forms."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiedao import clock
from jiedao.params import choice_param, date_param, id_param
from jiedao.territory.models import Organisation, OrganisationKind, Unit, UnitLevel

from .access import may_enter_at, may_enter_plantings, may_read_greening
from .models import PlantingKind
from .selectors import PAGE_ROWS, planting_status, plantings_visible, policy_current
from .services import planting_record, survival_check_record

PLANTING_FIELDS = ("kind", "area_m2", "count", "species", "geometry", "planted_on", "responsible_unit",
                   "maintainer", "case")
CHECK_FIELDS = ("planting", "checked_on", "surviving", "note")


def _today() -> date:
    return timezone.localdate(clock.now())


def _reader(request: HttpRequest) -> None:
    if not may_read_greening(user=request.user):
        raise Http404


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@login_required
@require_GET
def planting_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    today = _today()
    query = request.GET
    kind = choice_param(query, "kind", PlantingKind.values)
    community_id = id_param(query, "community")
    start = date_param(query, "start", default=today.replace(month=1, day=1))
    end = date_param(query, "end", default=today)
    visible = plantings_visible(user=request.user)
    communities = Unit.objects.filter(level=UnitLevel.COMMUNITY,
                                      pk__in=visible.values("community_id")).order_by("code")
    chosen = visible.filter(planted_on__gte=start, planted_on__lte=end)
    if kind:
        chosen = chosen.filter(kind=kind)
    if community_id:
        chosen = chosen.filter(community_id=community_id)
    policy = policy_current()
    rows = [planting_status(planting=planting, policy=policy, today=today) for planting in chosen[:PAGE_ROWS]]
    rates = [row.rate for row in rows if row.rate is not None]
    totals = {
        "area": chosen.aggregate(area=Sum("area_m2"))["area"] or Decimal(0),
        "count": chosen.aggregate(count=Sum("count"))["count"] or 0,
        "plantings": chosen.count(),
        "average_rate": (sum(rates) / len(rates)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if rates else None,
        "replanting_due": sum(1 for row in rows if row.replanting_due),
        "checks_due": sum(1 for row in rows if row.check_due),
    }
    return render(request, "greening/planting_list.html", {
        "rows": rows, "totals": totals, "kinds": PlantingKind.choices, "communities": communities,
        "filters": {"kind": kind, "community": community_id, "start": start, "end": end},
        "truncated": totals["plantings"] > PAGE_ROWS, "policy": policy,
        "may_enter": may_enter_plantings(user=request.user),
    })


def _planting_of(request: HttpRequest, pk: int):
    _reader(request)
    planting = plantings_visible(user=request.user).filter(pk=pk).first()
    if planting is None:
        raise Http404
    return planting


def _detail(request: HttpRequest, planting, *, check_form=None, check_errors=None, status=200) -> HttpResponse:
    from jiedao.cases.models import Case
    from jiedao.cases.selectors import cases_in_reach

    policy = policy_current()
    # The case a 拆违还绿 follows, as every case named on a page: by the case pages' rule, else only counted.
    linked = cases_in_reach(user=request.user, cases=Case.objects.filter(pk=planting.case_id))
    return render(request, "greening/planting_detail.html", {
        "status": planting_status(planting=planting, policy=policy, today=_today()),
        "planting": planting, "linked_case": linked.visible.first(), "linked_hidden": linked.hidden_count, "checks": planting.checks.select_related("checked_by")[:100], "policy": policy,
        "may_check": may_enter_at(user=request.user, territory_path=planting.territory_path,
                                  maintainer_id=planting.maintainer_id),
        "check_form": check_form or {"planting": planting.pk, "checked_on": _today().isoformat()},
        "check_errors": check_errors or {},
    }, status=status)


@login_required
@require_GET
def planting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _planting_of(request, pk))


def _errors_of(error: ValidationError) -> dict[str, str]:
    found = error.message_dict if hasattr(error, "error_dict") else {"form": error.messages}
    return {name: " ".join(texts) for name, texts in found.items()}


@login_required
@require_POST
def survival_check_create(request: HttpRequest) -> HttpResponse:
    """One check, of the planting the form names (a hidden field on the planting's page)."""
    _reader(request)
    values = {name: request.POST.get(name, "").strip()[:500] for name in CHECK_FIELDS}
    try:
        check = survival_check_record(by=request.user, planting_id=values["planting"],
                                      checked_on=_day(values["checked_on"]), today=_today(),
                                      surviving=values["surviving"], note=values["note"])
    except ValidationError as error:
        errors = _errors_of(error)
        planting = None
        if values["planting"].isdigit():
            planting = plantings_visible(user=request.user).filter(pk=int(values["planting"])).first()
        if planting is not None:
            return _detail(request, planting, check_form=values, check_errors=errors, status=400)
        return render(request, "greening/check_form.html", {"check_form": values, "check_errors": errors},
                      status=400)
    messages.success(request, _("成活检查已录入"))
    return redirect("greening:planting-detail", pk=check.planting_id)


@login_required
@require_http_methods(["GET", "POST"])
def planting_create(request: HttpRequest) -> HttpResponse:
    _reader(request)
    if not may_enter_plantings(user=request.user):
        raise Http404
    maintainers = Organisation.objects.filter(is_active=True, kind__in=[
        OrganisationKind.DEPARTMENT, OrganisationKind.MAINTAINER, OrganisationKind.CONTRACTOR]).order_by("code")
    context = {"kinds": PlantingKind.choices, "maintainers": maintainers, "errors": {},
               "form": {"planted_on": _today().isoformat()}}
    if request.method == "GET":
        return render(request, "greening/planting_form.html", context)
    values = {name: request.POST.get(name, "").strip() for name in PLANTING_FIELDS}
    values = {name: value if name == "geometry" else value[:200] for name, value in values.items()}
    try:
        planting = planting_record(by=request.user, kind=values["kind"], area_m2=values["area_m2"],
                                   count=values["count"], species=values["species"][:100],
                                   geometry=values["geometry"], planted_on=_day(values["planted_on"]),
                                   today=_today(), responsible_unit=values["responsible_unit"][:100],
                                   maintainer_id=values["maintainer"], case_number=values["case"])
    except ValidationError as error:
        context.update(form=values, errors=_errors_of(error))
        return render(request, "greening/planting_form.html", context, status=400)
    messages.success(request, _("种植记录已录入"))
    return redirect("greening:planting-detail", pk=planting.pk)


