from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from jiedao.audit.admin_changes import AuditedAdmin
from jiedao.audit.models import EventKind
from jiedao.audit.services import object_target, security_event_record
from jiedao.readonly_admin import ReadOnlyAdmin
from jiedao.territory.models import Duty

from . import services
from .models import SignInPolicy, User

MUST_CHANGE_LABEL = _("要求本人下次登录时修改密码")
MUST_CHANGE_HELP = _("管理员设置的密码只是初始密码；只有为自己设置时才取消勾选")


class DutyInline(admin.TabularInline):
    model = Duty
    extra = 1
    autocomplete_fields = ["unit", "organisation"]


class UserAddForm(AdminUserCreationForm):
    """A new account: its password follows the rules and, by default, is to be changed at first sign-in."""

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "must_change_password")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["must_change_password"].initial = True
        self.fields["must_change_password"].label = MUST_CHANGE_LABEL
        self.fields["must_change_password"].help_text = MUST_CHANGE_HELP


class AdminPasswordSetForm(AdminPasswordChangeForm):
    """An administrator sets someone's password: the rules apply, and by default the owner must
    change it at their next sign-in."""

    must_change_password = forms.BooleanField(label=MUST_CHANGE_LABEL, help_text=MUST_CHANGE_HELP,
                                              initial=True, required=False)

    def save(self, commit=True):
        self.user.must_change_password = self.cleaned_data.get("must_change_password", False)
        self.user._jiedao_password_reset = True
        return super().save(commit=commit)


def _access_snapshot(user) -> dict:
    """What a person may do, for comparing before and after a change in the admin."""
    stored = User.objects.filter(pk=user.pk).first()
    if stored is None:
        return {"flags": {}, "groups": [], "permissions": [], "duties": []}
    return {
        "flags": {"is_active": stored.is_active, "is_staff": stored.is_staff, "is_superuser": stored.is_superuser},
        "groups": sorted(stored.groups.values_list("name", flat=True)),
        "permissions": sorted(f"{app}.{codename}" for app, codename in
                              stored.user_permissions.values_list("content_type__app_label", "codename")),
        "duties": sorted(str(duty) + f" [{duty.role}]" for duty in
                         Duty.objects.filter(user=stored).select_related("user", "unit", "organisation")),
    }


def _difference(before: list, after: list) -> dict:
    return {"added": sorted(set(after) - set(before)), "removed": sorted(set(before) - set(after))}


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("联系方式"), {"fields": ("full_name", "phone")}),
                 (_("登录安全"), {"fields": ("must_change_password",)}))
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1",
                                                               "password2", "must_change_password")}),)
    add_form = UserAddForm
    change_password_form = AdminPasswordSetForm
    change_user_password_template = "admin/accounts/user/change_password.html"
    list_display = ("username", "full_name", "phone", "is_active", "is_staff", "must_change_password")
    search_fields = ("username", "full_name", "phone")
    inlines = [DutyInline]
    actions = ["unlock"]

    @admin.action(description=_("解除所选人员的登录锁定"))
    def unlock(self, request, queryset):
        for user in queryset:
            services.account_unlock(username=user.username, by=request.user, request=request)
        self.message_user(request, ngettext("已解除 %(count)d 个账号的登录锁定。", "已解除 %(count)d 个账号的登录锁定。",
                                            queryset.count()) % {"count": queryset.count()}, messages.SUCCESS)

    def audit_change(self, request, obj, message):
        if getattr(obj, "_jiedao_password_reset", False):
            services.password_reset_record(user=obj, by=request.user, must_change=obj.must_change_password,
                                           request=request)
            return None  # the reset is the record
        return EventKind.ADMIN_CHANGED

    def save_model(self, request, obj, form, change):
        obj._jiedao_access_before = _access_snapshot(obj) if change else _access_snapshot(User())
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        before = getattr(form.instance, "_jiedao_access_before", None) or _access_snapshot(form.instance)
        # Groups, permissions and duties are saved here; the flags were saved just before.
        before = {**_access_snapshot(form.instance), "flags": before["flags"]}
        super().save_related(request, form, formsets, change)
        after = _access_snapshot(form.instance)
        user = form.instance
        flags = {name: {"before": before["flags"].get(name), "after": value}
                 for name, value in after["flags"].items() if before["flags"].get(name) != value and change}
        groups = _difference(before["groups"], after["groups"])
        permissions = _difference(before["permissions"], after["permissions"])
        if flags or any(groups.values()) or any(permissions.values()):
            security_event_record(kind=EventKind.PERMISSION_CHANGED, request=request, target=object_target(user),
                                  target_label=user.get_username(),
                                  detail={"flags": flags, "groups": groups, "permissions": permissions})
        duties = _difference(before["duties"], after["duties"])
        if any(duties.values()):
            security_event_record(kind=EventKind.DUTY_CHANGED, request=request, target=object_target(user),
                                  target_label=user.get_username(), detail={"duties": duties})


@admin.register(SignInPolicy)
class SignInPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "failures_per_account", "failures_per_address", "lockout_minutes", "idle_minutes",
                    "field_idle_minutes", "password_min_length", "second_factor_required_for_admins")

    def has_add_permission(self, request):
        return not SignInPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessAttempt)
class AccessAttemptAdmin(ReadOnlyAdmin):
    """Failed sign-ins still counting towards a lockout; an administrator may end a lockout early."""

    list_display = ("attempt_time", "username", "ip_address", "failures_since_start", "path_info")
    search_fields = ("username", "ip_address")
    date_hierarchy = "attempt_time"
    actions = ["unlock"]

    @admin.action(description=_("解除锁定（账号和来源地址）"))
    def unlock(self, request, queryset):
        pairs = sorted({(attempt.username or "", attempt.ip_address or "") for attempt in queryset})
        for username, address in pairs:
            services.account_unlock(username=username, address=address, by=request.user, request=request)
        self.message_user(request, _("已解除锁定。"), messages.SUCCESS)

    def has_change_permission(self, request, obj=None):
        # Actions need it; the change form itself shows no save button (no editable fields).
        return request.user.is_superuser or request.user.has_perm("axes.change_accessattempt")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]
