"""Writes of a campaign: targets set by the leaders, evidence figures entered with their photos or
document, the rules that keep a line's categories and the phases consistent. Each write checks
who may make it, validates everything first (a clear, translated ValidationError names what is
wrong) and writes in one transaction: nothing half-written."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiedao import clock
from jiedao.cases.access import can_view
from jiedao.cases.errors import CaseError
from jiedao.cases.models import Case, CasePolicy
from jiedao.cases.photos import photo_prepare
from jiedao.territory.models import Unit

from .access import may_edit_campaign, may_enter_figures
from .models import (
    Campaign,
    CampaignLine,
    CampaignTarget,
    EvidenceFigure,
    EvidencePhoto,
    KeyPlace,
    TargetMeasure,
)

LARGEST_VALUE = Decimal("9999999999.99")  # what DecimalField(max_digits=12, decimal_places=2) holds
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


def decimal_read(text, *, field: str, label: str) -> Decimal:
    """A non-negative number a person typed ("120", "85.5"), or a ValidationError naming the field."""
    try:
        value = Decimal(str(text).strip().replace(",", "")) if str(text).strip() else None
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        raise ValidationError({field: _("%(label)s应为数字") % {"label": label}})
    if value < 0:
        raise ValidationError({field: _("%(label)s不能为负数") % {"label": label}})
    if value > LARGEST_VALUE or value != value.quantize(Decimal("0.01")):
        raise ValidationError({field: _("%(label)s应不超过 99 亿，最多两位小数") % {"label": label}})
    return value


# ---------------------------------------------------------------- lines and phases

def line_items_conflicts(*, campaign: Campaign, line: CampaignLine | None, items) -> list[str]:
    """Categories already counted by another line of the campaign (a case would count twice)."""
    others = CampaignLine.objects.filter(campaign=campaign)
    if line is not None and line.pk:
        others = others.exclude(pk=line.pk)
    taken = {item.pk: other.name for other in others.prefetch_related("items") for item in other.items.all()}
    return [_("“%(item)s”已属于分项“%(line)s”") % {"item": item.name, "line": taken[item.pk]}
            for item in items if item.pk in taken]


def phases_overlapping(phases: list[tuple[str, date, date]]) -> list[str]:
    """Phases (label, first day, last day) whose days overlap an earlier one's, in words."""
    problems, reaching = [], None  # the phase reaching furthest so far
    for phase in sorted(phases, key=lambda phase: (phase[1], phase[2])):
        if reaching is not None and phase[1] <= reaching[2]:
            problems.append(_("“%(first)s”与“%(second)s”的日期重叠") % {"first": reaching[0], "second": phase[0]})
        if reaching is None or phase[2] > reaching[2]:
            reaching = phase
    return problems


# ---------------------------------------------------------------- targets

def target_set(*, campaign: Campaign, by, line_id, unit_id=None, key_place_id=None, measure: str = TargetMeasure.COUNT,
               value, note: str = "") -> CampaignTarget:
    """Set (create or change) the target of a line for a community or a key place. Refused, naming
    the reason: a line of another campaign or none, a unit outside the campaign's scope or not a
    community, a key place not in the campaign, a negative or unreadable value, a quantity target
    for a line that only counts."""
    if not may_edit_campaign(user=by, campaign=campaign):
        raise PermissionDenied(_("只有系统管理员和街道领导可以下达目标"))
    if measure not in TargetMeasure.values:
        raise ValidationError({"measure": _("未知的计量方式")})
    line, key_place, unit = _where(campaign, line_id=line_id, key_place_id=key_place_id, unit_id=unit_id,
                                   unit_field="unit", unknown_unit=_("未知的单位"))
    amount = decimal_read(value, field="value", label=_("目标值"))
    with transaction.atomic():
        target = (CampaignTarget.objects.select_for_update()
                  .filter(line=line, unit=unit, key_place=key_place, measure=measure).first())
        if target is None:
            target = CampaignTarget(campaign=campaign, line=line, unit=unit, key_place=key_place, measure=measure)
        target.value, target.note = amount, note.strip()[:200]
        target.full_clean()
        target.save()
    return target


def _where(campaign: Campaign, *, line_id, key_place_id, unit_id, unit_field: str, unknown_unit: str
           ) -> tuple[CampaignLine, KeyPlace | None, Unit]:
    """The line of this campaign, and the key place of it (its community the unit) or the unit, from
    the ids a form sent; a ValidationError naming the field that names nothing."""
    line = CampaignLine.objects.filter(pk=_int_or_none(line_id), campaign=campaign).first()
    if line is None:
        raise ValidationError({"line": _("未知的行动分项")})
    if key_place_id not in (None, ""):
        key_place = campaign.key_places.filter(pk=_int_or_none(key_place_id)).select_related("community").first()
        if key_place is None:
            raise ValidationError({"key_place": _("未知的重点区域")})
        return line, key_place, key_place.community
    unit = Unit.objects.filter(pk=_int_or_none(unit_id)).first()
    if unit is None:
        raise ValidationError({unit_field: unknown_unit})
    return line, None, unit


def _int_or_none(value) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


# ---------------------------------------------------------------- evidence figures

def _document_checked(upload) -> ContentFile | None:
    """A PDF, by its content and size; None without one."""
    if upload is None:
        return None
    name = getattr(upload, "name", "document")
    if getattr(upload, "size", 0) > DOCUMENT_MAX_BYTES:
        raise ValidationError({"document": _("文件“%(name)s”太大（上限 %(mb)d MB）")
                               % {"name": name, "mb": DOCUMENT_MAX_BYTES // (1024 * 1024)}})
    data = upload.read(DOCUMENT_MAX_BYTES + 1)
    if len(data) > DOCUMENT_MAX_BYTES:
        raise ValidationError({"document": _("文件“%(name)s”太大") % {"name": name}})
    if not data.startswith(b"%PDF-"):
        raise ValidationError({"document": _("佐证文件“%(name)s”不是 PDF 文件") % {"name": name}})
    return ContentFile(data, name="evidence.pdf")


def figure_record(*, campaign: Campaign, by, line_id, community_id=None, key_place_id=None, case_number: str = "",
                  on_date: date | None, count=0, quantity=0, note: str, photos=(), document=None) -> EvidenceFigure:
    """Enter work done with its evidence (photos or a PDF, at least one). A figure linked to a case
    adds its quantity only: the case already counts once."""
    line, key_place, community = _where(campaign, line_id=line_id, key_place_id=key_place_id, unit_id=community_id,
                                        unit_field="community", unknown_unit=_("请选择社区（村）"))
    if not may_enter_figures(user=by, campaign=campaign, community=community):
        raise PermissionDenied(_("您不能为%(unit)s录入佐证数据") % {"unit": community.name})
    errors: dict[str, str] = {}
    today = timezone.localtime(clock.now()).date()
    if on_date is None:
        errors["on_date"] = _("请填写完成日期")
    elif not campaign.starts_on <= on_date <= min(campaign.ends_on, today):
        errors["on_date"] = _("完成日期应在行动开始（%(start)s）之后、今天及行动结束（%(end)s）之前") % {
            "start": campaign.starts_on, "end": campaign.ends_on}
    count_value = decimal_read(count or 0, field="count", label=_("完成数"))
    if count_value != count_value.to_integral_value():
        errors["count"] = _("完成数应为整数")
    quantity_value = decimal_read(quantity or 0, field="quantity", label=_("工程量"))
    if quantity_value and not line.quantity_unit:
        errors["quantity"] = _("分项“%(line)s”不计工程量") % {"line": line.name}
    case = None
    if case_number.strip():
        case = Case.objects.filter(number=case_number.strip()).select_related("item").first()
        if case is None or not can_view(user=by, case=case):
            errors["case"] = _("未找到案件 %(number)s") % {"number": case_number.strip()[:20]}
        elif not line.items.filter(pk=case.item_id).exists():
            errors["case"] = _("案件 %(number)s 的分类（%(item)s）不属于分项“%(line)s”") % {
                "number": case.number, "item": case.item.name, "line": line.name}
        elif not case.territory_path.startswith(community.path):
            errors["case"] = _("案件 %(number)s 不在%(unit)s") % {"number": case.number, "unit": community.name}
        elif count_value:
            errors["count"] = _("关联案件时不再计完成数：该案件结案时已计一处，只可补充工程量")
    if not count_value and not quantity_value and "count" not in errors:
        errors["count"] = _("完成数和工程量至少填写一项")
    if not note.strip():
        errors["note"] = _("请说明完成的工作")
    photos = list(photos)
    limit = CasePolicy.current().photos_per_request
    if len(photos) > limit:
        errors["photos"] = _("每次最多上传 %(n)d 张照片") % {"n": limit}
    if not photos and document is None:
        errors["photos"] = _("请上传现场照片或佐证文件（PDF）")
    if errors:
        raise ValidationError(errors)
    prepared = []
    try:
        prepared = [photo_prepare(photo) for photo in photos]
    except CaseError as error:
        raise ValidationError({"photos": str(error.message)}) from error
    document_file = _document_checked(document)
    now = clock.now()
    try:
        with transaction.atomic():
            figure = EvidenceFigure(campaign=campaign, line=line, community=community, key_place=key_place,
                                    case=case, on_date=on_date, count=int(count_value), quantity=quantity_value,
                                    note=note.strip()[:1000], entered_by=by, entered_at=now)
            if document_file is not None:
                figure.document.save(document_file.name, document_file, save=False)
            figure.save()
            for photo in prepared:
                stored = EvidencePhoto(figure=figure, content_type=photo.content_type, size_bytes=photo.size_bytes,
                                       uploaded_at=now)
                stored.image.save(photo.image.name, photo.image, save=False)
                stored.thumbnail.save(photo.thumbnail.name, photo.thumbnail, save=False)
                stored.save()
    except IntegrityError as error:  # the database's own checks, should a rule above be bypassed
        raise ValidationError(_("佐证数据不完整或重复计数，未保存")) from error
    return figure


def figure_photo_file(*, user, figure_id: int, photo_id: int, size: str):
    """One evidence photo's stored file for someone who reads the figure's community in the
    campaign, or None."""
    from .access import campaign_tops

    if size not in {"image", "thumbnail"}:
        return None
    photo = (EvidencePhoto.objects.filter(pk=photo_id, figure_id=figure_id)
             .select_related("figure__campaign__scope", "figure__community").first())
    if photo is None or not _reads_figure(user, photo.figure, campaign_tops):
        return None
    stored = getattr(photo, size)
    stored.content_type = "image/png" if stored.name.endswith(".png") else "image/jpeg"
    return stored


def figure_document_file(*, user, figure_id: int):
    from .access import campaign_tops

    figure = (EvidenceFigure.objects.filter(pk=figure_id).exclude(document="")
              .select_related("campaign__scope", "community").first())
    if figure is None or not _reads_figure(user, figure, campaign_tops):
        return None
    return figure.document


def _reads_figure(user, figure: EvidenceFigure, campaign_tops) -> bool:
    return any(figure.community.path.startswith(top.path)
               for top in campaign_tops(user=user, campaign=figure.campaign))

