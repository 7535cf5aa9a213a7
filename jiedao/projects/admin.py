from django.contrib import admin

from .models import ProjectKind, ProjectPolicy


@admin.register(ProjectKind)
class ProjectKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "group", "order", "is_active"]
    list_editable = ["order", "is_active"]


@admin.register(ProjectPolicy)
class ProjectPolicyAdmin(admin.ModelAdmin):
    list_display = ["department_after_days", "leader_after_days", "look_back_days"]
