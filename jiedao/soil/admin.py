from django.contrib import admin

from .models import LandUseClass, MonitoringPoint, RemediationProject, SoilLimit


@admin.register(LandUseClass)
class LandUseClassAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "standard", "is_farmland", "order")


@admin.register(SoilLimit)
class SoilLimitAdmin(admin.ModelAdmin):
    list_display = ("land_use_class", "parameter", "ph_above", "ph_up_to", "screening_value", "control_value",
                    "is_confirmed", "source")
    list_filter = ("land_use_class", "parameter", "is_confirmed")
    list_editable = ("screening_value", "control_value", "is_confirmed")


@admin.register(MonitoringPoint)
class MonitoringPointAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "land_use_class", "grid")
    readonly_fields = ("grid",)


@admin.register(RemediationProject)
class RemediationProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "point", "department", "started_on", "planned_end_on", "status")
