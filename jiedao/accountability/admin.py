from django.contrib import admin

from jiedao.readonly_admin import ReadOnlyAdmin, ReadOnlyInline

from .models import AccountabilityRule, Finding, FindingEvidence


@admin.register(AccountabilityRule)
class AccountabilityRuleAdmin(admin.ModelAdmin):
    """Thresholds, proposed measure and on/off are the administrator's; the rules' logic is code."""

    list_display = ("name", "code", "kind", "parameters", "measure", "is_active")
    list_filter = ("kind", "is_active")
    readonly_fields = ("code", "kind")

    def has_add_permission(self, request):
        return False  # rules come from `seed_accountability`

    def has_delete_permission(self, request, obj=None):
        return False


class FindingEvidenceInline(ReadOnlyInline):
    model = FindingEvidence
    fields = ("case", "role")
    readonly_fields = fields


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    """Read-only: findings come from `findings_refresh`, decisions from `finding_decide`."""

    list_display = ("summary", "kind", "period_start", "period_end", "proposed_measure", "state", "decision",
                    "decided_by", "created_at")
    list_filter = ("kind", "rule", "state", "decision")
    date_hierarchy = "period_end"
    inlines = [FindingEvidenceInline]



