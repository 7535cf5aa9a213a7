from django.contrib import admin

from jiedao.readonly_admin import ReadOnlyAdmin

from .models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "outcome", "actor_name", "address", "target", "target_label")
    list_filter = ("kind", "outcome")
    search_fields = ("actor_name", "target", "target_label", "address")
    date_hierarchy = "at"
