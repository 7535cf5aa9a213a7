from django.contrib import admin

from .models import Follow, PortalPolicy


@admin.register(PortalPolicy)
class PortalPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "reports_per_ip_per_hour", "reports_per_phone_per_day", "updates_per_ip_per_hour",
                    "follows_per_ip_per_hour", "map_days", "location_blur_m")

    def has_add_permission(self, request):
        return not PortalPolicy.objects.exists()


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("email", "kind", "case", "unit", "item", "created_at", "confirmed_at", "unsubscribed_at")
    list_filter = ("kind",)
    search_fields = ("email",)
    readonly_fields = ("token", "created_at", "confirmed_at", "confirmation_sent_at")
    raw_id_fields = ("case", "user")
