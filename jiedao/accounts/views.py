"""Signing in (password, then the second factor where there is one), one's own password, and
one's own authenticator."""

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_texts
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiedao.territory.access import user_roles
from jiedao.territory.models import Role

from . import second_factor, services

CODE_LENGTH = 6


class SignInView(LoginView):
    """The password step. A person with an authenticator is not signed in yet: the code comes next."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if second_factor.confirmed_device(user) is None:
            return super().form_valid(form)
        second_factor.pending_start(self.request, user=user, redirect_to=self.get_success_url())
        return redirect("accounts:second-factor-verify")

    def get_default_redirect_url(self):
        # The security auditor's work is the log; they have no inbox.
        user = self.request.user
        if user.is_authenticated and user_roles(user) == {Role.AUDITOR} and not user.is_superuser:
            return reverse("audit:event-list")
        return super().get_default_redirect_url()


def _code(request: HttpRequest) -> str:
    return "".join(request.POST.get("code", "").split())[:CODE_LENGTH + 2]


@require_http_methods(["GET", "POST"])
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """The code step: the password was right a moment ago in this session."""
    user = second_factor.pending_user(request)
    device = second_factor.confirmed_device(user) if user is not None else None
    if device is None:
        second_factor.pending_end(request)
        messages.error(request, _("请重新输入账号和密码。"))
        return redirect("web:login")
    error = ""
    if request.method == "POST":
        if services.second_factor_check(device=device, token=_code(request), request=request):
            redirect_to = second_factor.pending_next(request)
            second_factor.pending_end(request)
            user.otp_device = device
            auth_login(request, user, backend=user.backend)
            otp_login(request, device)
            if not url_has_allowed_host_and_scheme(redirect_to, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
                redirect_to = reverse("web:inbox")
            return redirect(redirect_to)
        error = _("动态验证码不正确或已过期，请输入验证器应用中当前显示的 6 位数字。")
    return render(request, "accounts/second_factor_verify.html", {"error": error, "username": user.username},
                  status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Every signed-in person changes their own password here (and must, after an administrator set it)."""
    user = request.user
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(user=user, password=form.cleaned_data["new_password1"], request=request)
        update_session_auth_hash(request, user)
        messages.success(request, _("密码已修改。"))
        redirect_to = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(redirect_to, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            redirect_to = reverse("web:inbox")
        return redirect(redirect_to)
    return render(request, "accounts/password_change.html", {
        "form": form, "required": user.must_change_password,
        "password_rules": password_validators_help_texts(),
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_manage(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app (scan, then confirm with a code), or remove it (with a code)."""
    user = request.user
    if not second_factor.may_enrol(user=user):
        messages.error(request, _("双因素认证仅供管理员和领导使用。"))
        return redirect("web:inbox")
    device = second_factor.confirmed_device(user)
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    error = ""
    step = request.POST.get("step", "")
    if request.method == "POST":
        if step == "start" and device is None:
            services.second_factor_start(user=user)
            return redirect("accounts:second-factor")
        elif step == "confirm" and device is None and pending is not None:
            if services.second_factor_confirm(device=pending, token=_code(request), request=request):
                otp_login(request, pending)
                messages.success(request, _("双因素认证已启用：以后登录时，输入密码后还需输入动态验证码。"))
                return redirect("accounts:second-factor")
            error = _("动态验证码不正确，请确认手机时间准确后，输入验证器应用中当前显示的 6 位数字。")
        elif step == "remove" and device is not None:
            if services.second_factor_check(device=device, token=_code(request), request=request, step="remove"):
                services.second_factor_remove(user=user, request=request)
                messages.success(request, _("双因素认证已停用。"))
                return redirect("accounts:second-factor")
            error = _("动态验证码不正确，未停用。")
        else:
            return redirect("accounts:second-factor")
    enrolment = None
    if device is None and pending is not None:
        uri = pending.config_url
        enrolment = {"uri": uri, "qr": second_factor.qr_svg(uri), "secret": second_factor.secret_of(uri)}
    return render(request, "accounts/second_factor.html", {
        "device": device, "enrolment": enrolment, "error": error,
        "required": second_factor.is_administrator(user)
        and second_factor.sign_in_policy(request).second_factor_required_for_admins,
    }, status=400 if error else 200)
