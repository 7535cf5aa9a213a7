"""Checklists in the admin: a draft's sections and items are edited here (or imported from
`.xlsx`); a published or retired version is shown read-only, so no edit ever rescores the past.
Publishing goes through `services.version_publish`, which checks the whole sheet first."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from jiedao.cases.errors import CaseError

from .models import Checklist, ChecklistItem, ChecklistSection, ChecklistVersion, VersionStatus
from .services import checklist_revise, version_publish


def _editable(obj) -> bool:
    version = obj if isinstance(obj, ChecklistVersion) else getattr(obj, "version", None)
    return version is None or version.status == VersionStatus.DRAFT


class VersionInline(admin.TabularInline):
    model = ChecklistVersion
    fields = ["number", "status", "change_note", "published_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "applies_to", "is_sample"]
    search_fields = ["code", "name"]
    inlines = [VersionInline]
    actions = ["revise"]

    @admin.action(description=_("新建修订版本（草稿）"))
    def revise(self, request, queryset):
        for checklist in queryset:
            draft = checklist_revise(checklist=checklist, by=request.user)
            self.message_user(request, _("已建立草稿 %(version)s") % {"version": draft})


class DraftOnlyInline:
    """The rows of a draft are edited; those of a published or retired version are only shown."""

    def has_add_permission(self, request, obj=None):
        return _editable(obj)

    def has_change_permission(self, request, obj=None):
        return _editable(obj)

    def has_delete_permission(self, request, obj=None):
        return _editable(obj)


class SectionInline(DraftOnlyInline, admin.TabularInline):
    model = ChecklistSection
    fields = ["position", "number", "name", "max_score"]
    extra = 0
    show_change_link = True


@admin.register(ChecklistVersion)
class ChecklistVersionAdmin(admin.ModelAdmin):
    list_display = ["checklist", "number", "status", "published_at"]
    list_filter = ["status", "checklist"]
    readonly_fields = ["checklist", "number", "status", "published_at", "published_by", "created_at", "created_by"]
    fields = ["checklist", "number", "status", "bonus_cap", "change_note", "published_at", "published_by",
              "created_at", "created_by"]
    inlines = [SectionInline]
    actions = ["publish"]

    def has_add_permission(self, request):
        return False  # a version is made by revising its checklist

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or _editable(obj))

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("发布所选草稿"))
    def publish(self, request, queryset):
        for version in queryset:
            try:
                version_publish(version=version, by=request.user)
            except CaseError as error:
                self.message_user(request, f"{version}: {error.message}", level=messages.ERROR)
            else:
                self.message_user(request, _("%(version)s 已发布") % {"version": version})


class ItemInline(DraftOnlyInline, admin.StackedInline):
    model = ChecklistItem
    extra = 0
    fields = [("position", "number", "name"), "content", "standard",
              ("method", "max_score", "per_occurrence", "cap"), ("veto_scope", "veto_condition"),
              ("sampling_rule", "sample_size", "sample_unit"), ("needs_photo", "needs_location", "needs_count"),
              "category"]
    autocomplete_fields = ["category"]


@admin.register(ChecklistSection)
class ChecklistSectionAdmin(admin.ModelAdmin):
    list_display = ["version", "position", "number", "name", "max_score"]
    list_filter = ["version__checklist"]
    fields = ["version", "position", "number", "name", "max_score"]
    inlines = [ItemInline]

    def get_readonly_fields(self, request, obj=None):
        return ["version"] if obj else []

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or _editable(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or _editable(obj))
