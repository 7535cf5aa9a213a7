"""The register's data in the admin: the policy (thresholds) and the cleaning grades are edited
here; assets, zones, state history and maintenance records are written by the services (pages and
imports, so every state change has its history row) and only listed here."""

from django.contrib import admin

from jiedao.readonly_admin import ReadOnlyAdmin

from .models import Asset, AssetPolicy, AssetStateChange, CleaningGrade, CleaningZone, MaintenanceRecord


@admin.register(AssetPolicy)
class AssetPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "nearest_within_m", "nearest_count", "repeat_repairs_count", "repeat_repairs_days"]

    def has_add_permission(self, request):
        return not AssetPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CleaningGrade)
class CleaningGradeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "order", "sweeps_per_day", "patrol_hours_per_day", "litter_limit", "is_sample"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Asset)
class AssetAdmin(ReadOnlyAdmin):
    list_display = ["identifier", "item", "state", "grid", "maintainer"]
    list_filter = ["state"]
    search_fields = ["identifier", "name"]


@admin.register(AssetStateChange)
class AssetStateChangeAdmin(ReadOnlyAdmin):
    list_display = ["asset", "from_state", "to_state", "at", "by", "case"]


@admin.register(CleaningZone)
class CleaningZoneAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "grade", "contractor"]


@admin.register(MaintenanceRecord)
class MaintenanceRecordAdmin(ReadOnlyAdmin):
    list_display = ["asset", "kind", "done_on", "done_by", "work"]
