from django.contrib import admin

from .models import GreeningPolicy


@admin.register(GreeningPolicy)
class GreeningPolicyAdmin(admin.ModelAdmin):
    list_display = ["check_days", "autumn_month", "survival_threshold"]
