"""API tokens: a person's key for scripts and the field app, stored only as a hash, with a
lifetime the administrator sets; and what a keyed report through the API was."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedao.cases.models import Case
from jiedao.one_row import OneRowPolicy


class ApiToken(models.Model):
    """One key of one person. The key itself is shown once when issued; only its SHA-256 is kept,
    so a leaked database does not leak working keys. Revoking sets `revoked_at`, never deletes,
    so the list keeps who had access and when."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("用户"))
    name = models.CharField(_("名称"), max_length=100, help_text=_("用途，如“外业 App”“12345 对接脚本”"))
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("密钥前缀"), max_length=8, editable=False,
                              help_text=_("密钥的前 8 个字符，用于辨认，不能用于登录"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)
    # Null only for a token issued before tokens expired (migration 0003 gives those one).
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_expired(self, now) -> bool:
        return self.expires_at is not None and now >= self.expires_at


DEFAULT_TOKEN_LIFETIME_DAYS = 90


class ApiTokenPolicy(OneRowPolicy):
    """How long a newly issued API token works (身份鉴别: credentials that do not live for ever);
    one row (pk=1) the administrator edits. A token keeps the expiry it was issued with."""

    lifetime_days = models.PositiveIntegerField(
        _("令牌有效期（天）"), default=DEFAULT_TOKEN_LIFETIME_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("新签发的 API 令牌自签发起多少天后失效；已签发的令牌不受影响"))

    class Meta:
        verbose_name = _("API 令牌策略")
        verbose_name_plural = _("API 令牌策略")



class ApiReport(models.Model):
    """A case reported through the API with an idempotency key, and the fingerprint of the body
    that made it: a retry must send the same body (cases/idempotency.py)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="api_report", verbose_name=_("案件"))
    body_fingerprint = models.CharField(_("提交内容摘要"), max_length=64)
    created_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("API 上报记录")
        verbose_name_plural = _("API 上报记录")

    def __str__(self) -> str:
        return str(self.case)
