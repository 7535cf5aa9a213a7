from django import forms
from django.contrib import admin

from .models import Duty, GridClass, GridClassScheme, Organisation, Unit
from .services import grid_class_scheme_choose, unit_descendants_repath


class GridClassInline(admin.TabularInline):
    model = GridClass
    extra = 0
    fields = ["order", "code", "name"]


class GridClassSchemeForm(forms.ModelForm):
    class Meta:
        model = GridClassScheme
        fields = ["name", "is_in_use"]

    def _get_validation_exclusions(self):
        # "One scheme in use" is kept by save_model (the one used before is set aside), not refused.
        return super()._get_validation_exclusions() | {"is_in_use"}


@admin.register(GridClassScheme)
class GridClassSchemeAdmin(admin.ModelAdmin):
    form = GridClassSchemeForm
    list_display = ["name", "is_in_use"]
    inlines = [GridClassInline]

    def save_model(self, request, obj, form, change):
        # Choosing a scheme sets the one used before aside (one in use at a time).
        in_use = obj.is_in_use
        obj.is_in_use = False
        super().save_model(request, obj, form, change)
        if in_use:
            grid_class_scheme_choose(scheme=obj)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "grid_class", "is_active"]
    list_filter = ["level", "grid_class", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["parent", "grid_class"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "updated_at"]

    def save_model(self, request, obj, form, change):
        # A new code or parent moves everything under the unit, as unit_update does.
        old_path = Unit.objects.get(pk=obj.pk).path if change else None
        super().save_model(request, obj, form, change)
        if old_path is not None:
            unit_descendants_repath(old_path=old_path, new_path=obj.path)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "unit", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "credit_code"]
    list_select_related = ["parent", "unit"]
    autocomplete_fields = ["parent", "unit"]


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "organisation"]
    list_filter = ["role", "unit__level", "organisation"]
    search_fields = ["user__username", "user__full_name", "unit__code", "unit__name", "organisation__name"]
    list_select_related = ["user", "unit", "organisation"]
    autocomplete_fields = ["user", "unit", "organisation"]
