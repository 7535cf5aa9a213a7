from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. Their duties (role + scope) live in territory.Duty."""

    full_name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username
