from contextvars import ContextVar
from datetime import timedelta

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedao.one_row import OneRowPolicy

# GB/T 22239-2019 8.1.4.1 a): 口令具有复杂度要求. The floor below which the office cannot go.
PASSWORD_MIN_LENGTH_FLOOR = 8


# Set by `manage.py createsuperuser` (accounts/management/commands): the superuser it creates
# must have a password that follows the rules, with no "bypass validation?" escape.
CHECK_SUPERUSER_PASSWORD: ContextVar[bool] = ContextVar("jiedao_check_superuser_password", default=False)


class JiedaoUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        if password is not None and CHECK_SUPERUSER_PASSWORD.get():
            from django.contrib.auth.password_validation import validate_password

            validate_password(password, self.model(username=username, email=email or "", **extra_fields))
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in. Their duties (role + scope) live in territory.Duty."""

    full_name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    # Set when an administrator gives the password (a new account, a reset, an import): the person
    # must choose their own before doing anything else (accounts/middleware.py).
    must_change_password = models.BooleanField(
        _("下次登录须修改密码"), default=False,
        help_text=_("由管理员设置或重置的密码，本人登录后必须先修改"))

    objects = JiedaoUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class SignInPolicy(OneRowPolicy):
    """How sign-in is guarded (GB/T 22239-2019 8.1.4.1 身份鉴别): failures before a lockout, how
    long it lasts, how long an idle session lives, how long a password must be. One row, edited
    in the admin."""

    failures_per_account = models.PositiveSmallIntegerField(
        _("每个账号连续失败次数上限"), default=5, validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("同一账号在锁定时长内登录失败达到此次数即锁定该账号"))
    failures_per_address = models.PositiveSmallIntegerField(
        _("每个来源地址连续失败次数上限"), default=20, validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("同一地址在锁定时长内登录失败达到此次数即限制该地址（可高于账号上限，一个办公网出口地址后有多人）"))
    lockout_minutes = models.PositiveIntegerField(
        _("锁定时长（分钟）"), default=30, validators=[MinValueValidator(1), MaxValueValidator(7 * 24 * 60)],
        help_text=_("失败次数在此时长内累计；锁定自最后一次失败起持续此时长，管理员可提前解锁"))
    idle_minutes = models.PositiveIntegerField(
        _("空闲超时（分钟）"), default=30, validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text=_("工作人员超过此时长无操作即退出登录"))
    field_idle_minutes = models.PositiveIntegerField(
        _("外勤人员空闲超时（分钟）"), default=240, validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text=_("只担任网格员、监督员的人员（巡查途中少有操作）超过此时长无操作即退出登录"))
    password_min_length = models.PositiveSmallIntegerField(
        _("密码最短长度"), default=8,
        validators=[MinValueValidator(PASSWORD_MIN_LENGTH_FLOOR), MaxValueValidator(64)],
        help_text=_("不少于 8 位；密码还须包含大写字母、小写字母、数字、符号中的至少三类"))
    second_factor_required_for_admins = models.BooleanField(
        _("管理员必须启用双因素认证"), default=False,
        help_text=_("开启后，系统管理员和超级用户须先绑定动态口令才能进入管理后台"))

    class Meta:
        verbose_name = _("登录安全策略")
        verbose_name_plural = _("登录安全策略")


    @property
    def lockout(self) -> timedelta:
        return timedelta(minutes=self.lockout_minutes)
