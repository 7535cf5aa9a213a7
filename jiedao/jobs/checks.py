"""What the processes of one deployment must share: the cache that counts rate limits."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils.translation import gettext as _

# Caches that live inside one process: with several gunicorn workers each counts on its own.
PER_PROCESS_CACHES = frozenset({
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
})


def cache_is_shared(cache_settings: dict) -> bool:
    return cache_settings.get("BACKEND") not in PER_PROCESS_CACHES


@register(Tags.caches, deploy=True)
def shared_cache_check(app_configs=None, **kwargs) -> list[Error]:
    if cache_is_shared(settings.CACHES.get("default", {})):
        return []
    return [Error(
        _("默认缓存只在单个进程内有效：多个服务进程时，门户和 Open311 的频率限制会各自计数而成倍放宽。"),
        hint=_("生产环境请设置 REDIS_URL（Redis 缓存）。"), id="jobs.E001")]


@register(deploy=True)
def public_url_check(app_configs=None, **kwargs) -> list[Warning]:
    """Links in emails and group-chat messages are written from JIEDAO_PUBLIC_URL; in production its
    development default (127.0.0.1) would send every reader to their own machine."""
    host = urlsplit(settings.JIEDAO_PUBLIC_URL).hostname or ""
    if not settings.PRODUCTION or host not in ("127.0.0.1", "localhost", ""):
        return []
    return [Warning(
        _("JIEDAO_PUBLIC_URL 仍是开发环境的本机地址：邮件和群消息中的链接将无法打开。"),
        hint=_("请把 JIEDAO_PUBLIC_URL 设为用户访问本系统的地址，例如 https://jiedao.example.gov.cn。"),
        id="jobs.W002")]
