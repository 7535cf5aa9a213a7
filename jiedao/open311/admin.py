from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from jiedao.audit.admin_changes import AuditedAdmin
from jiedao.audit.models import EventKind
from jiedao.cases.contact import mask_email
from jiedao.cases.models import CaseSource
from jiedao.readonly_admin import ReadOnlyAdmin

from .models import Open311Client, Open311Policy, Open311Report, Open311Update, ServiceAttribute
from .services import new_client_key, open311_client_set_new_key, open311_key_event_record


def _show_key_once(request, client: Open311Client, key: str) -> None:
    messages.warning(request, _("“%(name)s”的 API 密钥（只显示这一次，请立即交给对方妥善保存）：%(key)s")
                     % {"name": client.name, "key": key})


@admin.register(Open311Client)
class Open311ClientAdmin(AuditedAdmin, admin.ModelAdmin):
    """A new client gets its key when saved; the key is shown once, in the message above the list.
    A key cannot be seen again: issue a new one (the old one stops working)."""

    list_display = ("name", "prefix", "is_active", "rate_limit_per_minute", "created_at", "last_used_at")
    list_filter = ("is_active",)
    search_fields = ("name", "prefix", "contact")
    fields = ("name", "contact", "is_active", "rate_limit_per_minute", "prefix", "created_at", "last_used_at")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    actions = ["issue_new_key"]
    # Keys issued and switched off are in the security log under their own kinds, with the prefix.
    actions_logged_by_service = frozenset({"issue_new_key"})

    def has_delete_permission(self, request, obj=None):
        return False  # clients stay listed (who had access, and until when); switch them off instead

    def save_model(self, request, obj, form, change):
        key = None
        if not change:
            key, stored = new_client_key()
            obj.key_hash, obj.prefix = stored["key_hash"], stored["prefix"]
        super().save_model(request, obj, form, change)
        if key:
            _show_key_once(request, obj, key)
        if not change:
            open311_key_event_record(kind=EventKind.OPEN311_KEY_ISSUED, client=obj, request=request)
        elif "is_active" in form.changed_data:
            kind = EventKind.OPEN311_KEY_ISSUED if obj.is_active else EventKind.OPEN311_KEY_REVOKED
            open311_key_event_record(kind=kind, client=obj, request=request, detail={"is_active": obj.is_active})

    def audit_addition(self, request, obj, message):
        return None  # logged as OPEN311_KEY_ISSUED in save_model

    @admin.action(description=_("为所选接入方发放新密钥（旧密钥立即失效）"))
    def issue_new_key(self, request, queryset):
        for client in queryset:
            _show_key_once(request, client, open311_client_set_new_key(client=client, request=request))


class ServiceAttributeForm(forms.ModelForm):
    class Meta:
        model = ServiceAttribute
        fields = ("item", "order", "code", "variable", "datatype", "required", "description", "datatype_description",
                  "values", "is_active")
        widgets = {"values": forms.Textarea(attrs={"rows": 4, "cols": 60})}


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin):
    form = ServiceAttributeForm
    list_display = ("item", "order", "code", "datatype", "required", "variable", "description", "is_active")
    list_filter = ("datatype", "required", "is_active")
    search_fields = ("code", "description", "item__name", "item__code")
    list_select_related = ("item",)
    autocomplete_fields = ("item",)
    ordering = ("item__code", "order")


class Open311PolicyForm(forms.ModelForm):
    public_sources = forms.MultipleChoiceField(label=_("公开的案件来源"), choices=CaseSource.choices,
                                               widget=forms.CheckboxSelectMultiple, required=False,
                                               help_text=_("这些来源的案件（受理后）通过 Open311 公开"))

    class Meta:
        model = Open311Policy
        fields = ("jurisdiction_id", "contact", "key_service", "is_test", "public_sources")


@admin.register(Open311Policy)
class Open311PolicyAdmin(admin.ModelAdmin):
    form = Open311PolicyForm

    def has_add_permission(self, request):
        return not Open311Policy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Open311Report)
class Open311ReportAdmin(ReadOnlyAdmin):
    # The sender's email only masked (cases/contact.py).
    exclude = ("email",)
    readonly_fields = ("email_masked",)

    @admin.display(description=_("电子邮箱（已脱敏）"))
    def email_masked(self, row) -> str:
        return mask_email(row.email)

    list_display = ("case", "client", "created_at")
    list_filter = ("client",)
    search_fields = ("case__number",)
    list_select_related = ("case", "client")


@admin.register(Open311Update)
class Open311UpdateAdmin(ReadOnlyAdmin):
    # The sender's email only masked (cases/contact.py).
    exclude = ("email",)
    readonly_fields = ("email_masked",)

    @admin.display(description=_("电子邮箱（已脱敏）"))
    def email_masked(self, row) -> str:
        return mask_email(row.email)

    list_display = ("event", "client", "external_id", "created_at")
    list_filter = ("client",)
    search_fields = ("external_id", "event__case__number")
    list_select_related = ("event", "client")
