from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from . import services
from .models import AddressPolicy, HouseNumber, Place, Road


class RoadForm(forms.ModelForm):
    def clean_line(self):
        line = self.cleaned_data.get("line")
        problems = services.line_errors(line)
        if problems:
            raise forms.ValidationError(problems)
        return line


class PointForm(forms.ModelForm):
    """A point must lie in a grid: the grid is found from it (territory's locator)."""

    def clean(self):
        cleaned = super().clean()
        lon, lat, problems = services.point_errors(cleaned.get("longitude"), cleaned.get("latitude"))
        if problems:
            raise forms.ValidationError([message for _name, message in problems])
        if services.grid_of_point(lon, lat) is None:
            raise forms.ValidationError(_("该位置不在任何网格内"))
        return cleaned


@admin.register(Road)
class RoadAdmin(admin.ModelAdmin):
    list_display = ["name", "aliases", "status", "updated_at"]
    list_filter = ["status"]
    search_fields = ["name", "aliases", "search_text"]

    form = RoadForm


@admin.register(HouseNumber)
class HouseNumberAdmin(admin.ModelAdmin):
    form = PointForm
    list_display = ["__str__", "building_name", "code", "grid", "status"]
    list_filter = ["status", "road"]
    search_fields = ["road__name", "building_name", "code"]
    list_select_related = ["road", "grid"]
    autocomplete_fields = ["road"]
    readonly_fields = ["grid", "updated_at"]

    def save_model(self, request, obj, form, change):
        # The grid comes from the locator, as on the staff page and in imports.
        obj.grid_id = services.grid_of_point(obj.longitude, obj.latitude)
        super().save_model(request, obj, form, change)


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    form = PointForm
    list_display = ["name", "kind", "house_number", "grid", "status"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "aliases", "search_text"]
    list_select_related = ["house_number__road", "grid"]
    autocomplete_fields = ["house_number"]
    readonly_fields = ["grid", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.grid_id = services.grid_of_point(obj.longitude, obj.latitude)
        super().save_model(request, obj, form, change)


@admin.register(AddressPolicy)
class AddressPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "nearest_within_m", "public_searches_per_ip_per_hour"]

    def has_add_permission(self, request):
        return not AddressPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
