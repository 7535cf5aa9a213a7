"""One admin base for records that change only through services (cases, events, findings,
tokens): the admin lists and shows them; it never adds, edits or deletes them."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
