from django.contrib import admin

from jiedao.readonly_admin import ReadOnlyAdmin

from .models import Assignment, RiverChief, RiverPatrol, RiverPolicy, RiverSegment, RiverWork, Waterbody


@admin.register(RiverPolicy)
class RiverPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "near_distance_m", "letter_deadline_value", "letter_deadline_unit", "max_rejected_share")

    def has_add_permission(self, request):
        return not RiverPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Waterbody)
class WaterbodyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "basin", "management_level")
    search_fields = ("code", "name")


@admin.register(RiverSegment)
class RiverSegmentAdmin(ReadOnlyAdmin):
    """Segments are written by the import and `services.segment_save` (their units come from the geometry)."""
    list_display = ("code", "name", "waterbody", "unit", "length_m", "is_active")
    search_fields = ("code", "name")
    exclude = ("geometry",)


@admin.register(RiverChief)
class RiverChiefAdmin(ReadOnlyAdmin):
    """Chiefs' segments are assigned on /rivers/chiefs/, where a segment outside the unit is refused."""
    list_display = ("name", "level", "title", "unit", "user", "is_active")
    list_filter = ("level",)


@admin.register(RiverPatrol)
class RiverPatrolAdmin(ReadOnlyAdmin):
    list_display = ("segment", "chief", "patrolled_by", "started_at", "distance_m", "duration_s", "validity")
    list_filter = ("validity",)
    exclude = ("track",)


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("number", "segment", "recipient", "state", "sent_at", "deadline_at")


@admin.register(RiverWork)
class RiverWorkAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "segment", "planned_start", "planned_end", "planned_volume_m3", "done_volume_m3")
