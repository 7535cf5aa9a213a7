from django.contrib import admin

from jiedao.readonly_admin import ReadOnlyAdmin

from .models import AuditPolicy, SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "outcome", "actor_name", "address", "target", "target_label")
    list_filter = ("kind", "outcome")
    search_fields = ("actor_name", "target", "target_label", "address")
    date_hierarchy = "at"


@admin.register(AuditPolicy)
class AuditPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "retention_days")

    def has_add_permission(self, request):
        return not AuditPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
