from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from jiedao.audit.admin_changes import AuditedAdmin
from jiedao.readonly_admin import ReadOnlyAdmin

from .models import ApiReport, ApiToken, ApiTokenPolicy
from .services import api_token_issue, api_token_revoke


class ApiTokenIssueForm(forms.ModelForm):
    lifetime_days = forms.IntegerField(label=_("有效期（天）"), required=False, min_value=1, max_value=3650,
                                       help_text=_("留空则按“API 令牌策略”的有效期"))

    class Meta:
        model = ApiToken
        fields = ("user", "name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True).order_by("username")

    def clean_name(self):
        name = (self.cleaned_data.get("name") or "").strip()
        if not name:
            raise forms.ValidationError(_("请填写令牌名称"))
        return name


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin, ReadOnlyAdmin):
    """Keys are issued here (or with `manage.py issue_api_token`); the key is shown once, in the
    message above the list, and cannot be seen or edited afterwards. Revoked and expired tokens
    stay listed: who had access, and until when. Issue and revocation are in the security log
    (api/services.py), with the key's prefix and never the key."""

    list_display = ("name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "prefix", "user__username", "user__full_name")
    list_select_related = ("user",)
    readonly_fields = ("user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    actions = ["revoke"]
    actions_logged_by_service = frozenset({"revoke"})

    def has_add_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.add_{opts.model_name}")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenIssueForm
            kwargs["fields"] = ("user", "name", "lifetime_days")
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ("user", "name", "lifetime_days") if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        # The form allows only active users, a name and a lifetime of at least a day: no TokenError here.
        token, key = api_token_issue(user=form.cleaned_data["user"], name=form.cleaned_data["name"],
                                     request=request, lifetime_days=form.cleaned_data.get("lifetime_days"))
        obj.pk, obj.prefix, obj.created_at = token.pk, token.prefix, token.created_at
        obj._state.adding = False
        messages.warning(request, _("“%(name)s”的 API 令牌（只显示这一次，请立即交给使用者妥善保存）：%(key)s")
                         % {"name": token.name, "key": key})

    def audit_addition(self, request, obj, message):
        return None  # api_token_issue wrote TOKEN_ISSUED

    def has_revoke_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    @admin.action(description=_("吊销所选令牌"), permissions=["revoke"])
    def revoke(self, request, queryset):
        revoked = sum(api_token_revoke(token=token, request=request) for token in queryset.select_related("user"))
        self.message_user(request, ngettext("已吊销 %(count)d 个令牌", "已吊销 %(count)d 个令牌", revoked)
                          % {"count": revoked}, messages.SUCCESS)


@admin.register(ApiTokenPolicy)
class ApiTokenPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "lifetime_days")

    def has_add_permission(self, request):
        return not ApiTokenPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiReport)
class ApiReportAdmin(ReadOnlyAdmin):
    list_display = ("case", "created_at")
    search_fields = ("case__number",)
    list_select_related = ("case",)
