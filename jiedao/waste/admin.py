from django.contrib import admin

from .models import Bin, Facility, SortingPoint, WastePolicy, WasteSupervisor, WasteTarget


@admin.register(WastePolicy)
class WastePolicyAdmin(admin.ModelAdmin):
    list_display = ["mismatch_tolerance_percent", "department", "overflow_category", "mixed_category",
                    "litter_category"]


@admin.register(WasteTarget)
class WasteTargetAdmin(admin.ModelAdmin):
    list_display = ["rate", "value_percent", "is_confirmed", "source"]


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "is_resource_recovery", "is_harmless", "is_active"]


class BinInline(admin.TabularInline):
    model = Bin
    extra = 0


@admin.register(SortingPoint)
class SortingPointAdmin(admin.ModelAdmin):
    """Points are placed by the grid locator (services.point_save); here their bins, households and state."""

    list_display = ["code", "name", "community", "households", "is_sorting", "is_active"]
    readonly_fields = ["community", "territory_path", "longitude", "latitude"]
    inlines = [BinInline]

    def has_add_permission(self, request):
        return False


@admin.register(WasteSupervisor)
class WasteSupervisorAdmin(admin.ModelAdmin):
    list_display = ["user", "community"]
    raw_id_fields = ["user"]
