from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import CaseRule, CatalogueItem


class CaseRuleInline(admin.TabularInline):
    model = CaseRule
    extra = 0
    fields = ["severity", "grid_class", "filing_condition", "deadline_value", "deadline_unit",
              "closing_condition", "department", "source", "is_active"]
    autocomplete_fields = ["department"]


@admin.register(CatalogueItem)
class CatalogueItemAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "major_name", "standard_ref", "is_local_extension", "is_sensitive",
                    "is_active"]
    list_filter = ["kind", "major_name", "standard_ref", "is_local_extension", "is_sensitive", "is_active"]
    search_fields = ["name", "code", "search_text"]
    readonly_fields = ["search_text"]
    inlines = [CaseRuleInline]


@admin.register(CaseRule)
class CaseRuleAdmin(admin.ModelAdmin):
    list_display = ["item", "severity", "grid_class", "filing_condition", "deadline", "department", "source",
                    "is_active"]
    list_filter = ["grid_class", "deadline_unit", "department", "is_active", "item__kind"]
    search_fields = ["item__name", "item__code", "item__search_text", "filing_condition"]
    list_select_related = ["item", "department", "grid_class"]
    autocomplete_fields = ["item", "department"]
    readonly_fields = ["seed_key"]

    @admin.display(description=_("处置时限"), ordering="deadline_value")
    def deadline(self, rule: CaseRule) -> str:
        return rule.deadline_text
