from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jiedao.readonly_admin import ReadOnlyAdmin, ReadOnlyInline

from .contact import mask_email, mask_name, mask_phone
from .models import Case, CaseEvent, CasePhoto, CasePolicy, CaseRating, CaseRequest


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ("at", "action", "from_state", "to_state", "actor_name", "actor_role", "opinion")
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):

    list_display = ("number", "item", "state", "grid", "department", "reported_at", "deadline_at")
    list_filter = ("state", "source", "closure_type")
    search_fields = ("number", "address", "description")
    inlines = [CaseEventInline]
    # Residents' contact data only masked here (cases/contact.py); in full only through the case
    # page's logged "show in full".
    exclude = ("reporter_name", "reporter_phone", "reporter_email")
    readonly_fields = ("reporter_masked",)

    @admin.display(description=_("举报人（已脱敏）"))
    def reporter_masked(self, case: Case) -> str:
        return " ".join(part for part in (mask_name(case.reporter_name), mask_phone(case.reporter_phone),
                                          mask_email(case.reporter_email)) if part)


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("case", "at", "action", "from_state", "to_state", "actor_name", "actor_role")
    list_filter = ("action",)
    exclude = ("personal",)


@admin.register(CasePolicy)
class CasePolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "warning_ratio", "accept_limit_minutes", "verify_limit_minutes", "file_limit_minutes",
                    "dispatch_limit_minutes", "check_limit_minutes", "close_limit_minutes")

    def has_add_permission(self, request):
        return not CasePolicy.objects.exists()


@admin.register(CaseRating)
class CaseRatingAdmin(ReadOnlyAdmin):
    list_display = ("case", "score", "source", "at", "recorded_by")
    list_filter = ("source", "score")


admin.site.register(CaseRequest)
admin.site.register(CasePhoto)
