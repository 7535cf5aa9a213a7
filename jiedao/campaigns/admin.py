"""The campaign as data in the admin: system administrators and leaders (staff accounts holding one
of those duties) edit campaigns, phases, groups, lines, key places and targets; the model's and the
services' rules refuse what does not fit. Evidence figures are entered on the campaign page and
only listed here (an administrator may delete a wrong one; the security log keeps the deletion)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .access import may_edit_campaign, may_edit_campaigns_at_all
from .models import (
    Campaign,
    CampaignGroup,
    CampaignLine,
    CampaignPhase,
    CampaignTarget,
    EvidenceFigure,
    EvidencePhoto,
    KeyPlace,
)
from .services import line_items_conflicts, phases_overlapping


class EditorsOnly:
    """Only the people who may edit campaigns see these pages; each object is checked against the
    campaign it belongs to."""

    def _campaign_of(self, obj):
        return getattr(obj, "campaign", None) if not isinstance(obj, Campaign) else obj

    def has_module_permission(self, request):
        return request.user.is_staff and may_edit_campaigns_at_all(user=request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, *args):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        campaign = self._campaign_of(obj) if obj is not None else None
        return campaign is None or may_edit_campaign(user=request.user, campaign=campaign)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


class PhaseFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        phases = [(str(form.cleaned_data["kind"]), form.cleaned_data["starts_on"], form.cleaned_data["ends_on"])
                  for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
                  and form.cleaned_data.get("starts_on") and form.cleaned_data.get("ends_on")]
        overlaps = phases_overlapping(phases)
        if overlaps:
            raise ValidationError(overlaps)


class PhaseInline(EditorsOnly, admin.TabularInline):
    model = CampaignPhase
    formset = PhaseFormSet
    extra = 0


class GroupInline(EditorsOnly, admin.TabularInline):
    model = CampaignGroup
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(EditorsOnly, admin.ModelAdmin):
    list_display = ["name", "code", "scope", "starts_on", "ends_on", "is_sample", "is_active"]
    list_filter = ["is_active", "is_sample"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["scope"]
    filter_horizontal = ["key_places"]
    inlines = [PhaseInline, GroupInline]


class LineForm(forms.ModelForm):
    class Meta:
        model = CampaignLine
        fields = ["group", "code", "name", "items", "count_label", "quantity_unit", "order"]

    def clean(self):
        cleaned = super().clean()
        group, items, code = cleaned.get("group"), cleaned.get("items"), cleaned.get("code")
        if group is not None and code and (CampaignLine.objects.filter(campaign=group.campaign, code=code)
                                           .exclude(pk=self.instance.pk).exists()):
            raise ValidationError({"code": _("本行动已有代码为 %(code)s 的分项") % {"code": code}})
        if group is not None and items:
            conflicts = line_items_conflicts(campaign=group.campaign, line=self.instance, items=items)
            if conflicts:
                raise ValidationError({"items": conflicts})
        return cleaned


@admin.register(CampaignLine)
class LineAdmin(EditorsOnly, admin.ModelAdmin):
    form = LineForm
    list_display = ["name", "code", "group", "campaign", "count_label", "quantity_unit", "order"]
    list_filter = ["campaign"]
    list_select_related = ["group", "campaign"]
    filter_horizontal = ["items"]

    def save_model(self, request, obj, form, change):
        obj.campaign_id = obj.group.campaign_id
        super().save_model(request, obj, form, change)


@admin.register(KeyPlace)
class KeyPlaceAdmin(EditorsOnly, admin.ModelAdmin):
    list_display = ["name", "kind", "community", "buffer_m", "is_sample", "is_active"]
    list_filter = ["kind", "is_active", "is_sample"]
    search_fields = ["name"]
    autocomplete_fields = ["community"]
    filter_horizontal = ["owners"]

    def has_change_permission(self, request, obj=None):
        # A key place may serve several campaigns: editing it takes someone who may edit campaigns.
        return self.has_module_permission(request)


@admin.register(CampaignTarget)
class TargetAdmin(EditorsOnly, admin.ModelAdmin):
    list_display = ["campaign", "unit", "key_place", "line", "measure", "value"]
    list_filter = ["campaign", "measure"]
    list_select_related = ["campaign", "unit", "key_place", "line"]
    autocomplete_fields = ["unit"]


class PhotoInline(admin.TabularInline):
    model = EvidencePhoto
    extra = 0
    fields = ["uploaded_at", "content_type", "size_bytes"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(EvidenceFigure)
class FigureAdmin(EditorsOnly, admin.ModelAdmin):
    list_display = ["on_date", "campaign", "line", "community", "key_place", "count", "quantity", "entered_by"]
    list_filter = ["campaign", "line"]
    list_select_related = ["campaign", "line", "community", "key_place", "entered_by"]
    readonly_fields = ["campaign", "line", "community", "key_place", "case", "on_date", "count", "quantity", "note",
                       "document", "entered_by", "entered_at"]
    inlines = [PhotoInline]

    def has_add_permission(self, request, *args):
        return False  # entered on the campaign page, with their evidence, through the service
