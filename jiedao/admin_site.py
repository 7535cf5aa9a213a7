"""Django's admin, on Jiedao's terms: the same sign-in door as the pages (lockouts, then the second
factor), and every change made in it written to the security log (jiedao.audit.admin_changes)."""

from django.contrib import messages
from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class JiedaoAdminSite(AdminSite):
    site_header = gettext_lazy("街道人居环境整治平台 · 管理后台")
    site_title = gettext_lazy("管理后台")

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every registered admin records its changes in the security log."""
        from jiedao.audit.admin_changes import AuditedAdmin

        admin_class = admin_class or ModelAdmin
        if not issubclass(admin_class, AuditedAdmin):
            admin_class = type(admin_class.__name__, (AuditedAdmin, admin_class), {"__module__": admin_class.__module__})
        super().register(model_or_iterable, admin_class, **options)

    def has_permission(self, request):
        from jiedao.accounts.second_factor import second_factor_missing

        return super().has_permission(request) and not second_factor_missing(request)

    def password_change(self, request, extra_context=None):
        """One's own password is changed on the one page that applies the rules and logs it."""
        return redirect("accounts:password-change")

    def login(self, request, extra_context=None):
        """Django's admin login page, served by Jiedao's sign-in view (lockouts and the second factor)."""
        from django.contrib.admin.forms import AdminAuthenticationForm

        from jiedao.accounts.second_factor import second_factor_missing
        from jiedao.accounts.views import SignInView

        user = request.user
        if request.method == "GET" and user.is_authenticated and user.is_active and user.is_staff:
            if not second_factor_missing(request):
                return redirect("admin:index")
            messages.warning(request, _("进入管理后台须先启用双因素认证。"))
            return redirect("accounts:second-factor")
        context = {**self.each_context(request), "title": _("登录"), "subtitle": None,
                   "app_path": request.get_full_path(), "username": user.get_username()}
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=self.name)
        context.update(extra_context or {})
        request.current_app = self.name
        return SignInView.as_view(extra_context=context, authentication_form=AdminAuthenticationForm,
                                  template_name="admin/login.html", redirect_authenticated_user=False)(request)


class JiedaoAdminConfig(AdminConfig):
    default_site = "jiedao.admin_site.JiedaoAdminSite"
