from django.contrib import admin

from jiedao.readonly_admin import ReadOnlyAdmin

from .models import Patrol, PatrolPolicy, Submission


@admin.register(PatrolPolicy)
class PatrolPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "min_distance_m", "min_interval_s", "max_speed_mps", "max_points_per_batch")

    def has_add_permission(self, request):
        return not PatrolPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Patrol)
class PatrolAdmin(ReadOnlyAdmin):
    list_display = ("user", "started_at", "ended_at", "distance_m", "duration_s", "point_count",
                    "rejected_point_count")
    list_filter = ("started_at",)
    exclude = ("track",)
    readonly_fields = ("client_id",)


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ("key", "user", "kind", "case", "status", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("key",)
