from django.contrib import admin

from .models import AirLimit, AirPolicy, BanWindow, PollutionSource, SourceType


@admin.register(SourceType)
class SourceTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "checklist_code", "is_ban_zone", "order")


@admin.register(AirLimit)
class AirLimitAdmin(admin.ModelAdmin):
    list_display = ("source_type", "parameter", "limit_mg_m3", "is_confirmed", "source")
    list_filter = ("source_type", "parameter", "is_confirmed")
    list_editable = ("limit_mg_m3", "is_confirmed")


@admin.register(BanWindow)
class BanWindowAdmin(admin.ModelAdmin):
    list_display = ("name", "source_type", "start_month", "start_day", "end_month", "end_day", "is_confirmed")


@admin.register(PollutionSource)
class PollutionSourceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "source_type", "operator", "licence_number", "grid", "is_active")
    list_filter = ("source_type", "is_active")
    readonly_fields = ("grid",)


@admin.register(AirPolicy)
class AirPolicyAdmin(admin.ModelAdmin):
    list_display = ("check_pass_score", "batch_max")
