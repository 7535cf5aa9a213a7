from django.contrib import admin

from .models import CalendarDay, WorkPeriod
from .selectors import working_calendar_reset
from .services import SOURCE_ADMIN, SOURCE_PACKAGE


class CalendarResetAdmin(admin.ModelAdmin):
    """Every save or delete clears the cached working calendar, like the services do."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        working_calendar_reset()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        working_calendar_reset()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        working_calendar_reset()


@admin.register(CalendarDay)
class CalendarDayAdmin(CalendarResetAdmin):
    list_display = ("date", "kind", "is_working_day", "name", "source")
    list_filter = ("kind", "source", "is_working_day")
    date_hierarchy = "date"
    search_fields = ("name",)

    def save_model(self, request, obj, form, change):
        # A day an administrator edits becomes theirs, so the next package import leaves it alone.
        if obj.source == SOURCE_PACKAGE and "source" not in form.changed_data:
            obj.source = SOURCE_ADMIN
        super().save_model(request, obj, form, change)


@admin.register(WorkPeriod)
class WorkPeriodAdmin(CalendarResetAdmin):
    list_display = ("__str__", "start", "end")
