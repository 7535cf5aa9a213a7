from django.contrib import admin

from .models import GradeScale, RankingPublication, RankingRule, ScoringScheme


@admin.register(ScoringScheme)
class ScoringSchemeAdmin(admin.ModelAdmin):
    list_display = ["object_type", "updated_at"]
    readonly_fields = ["updated_at"]


@admin.register(GradeScale)
class GradeScaleAdmin(admin.ModelAdmin):
    list_display = ["grade", "min_score"]


@admin.register(RankingRule)
class RankingRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "object_type", "level", "period_type", "red_top_n", "black_bottom_n", "is_active"]


@admin.register(RankingPublication)
class RankingPublicationAdmin(admin.ModelAdmin):
    list_display = ["rule", "period_start", "period_end", "is_published", "published_at"]
    readonly_fields = ["rows", "computed_at", "is_published", "published_at", "published_by"]

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_published
