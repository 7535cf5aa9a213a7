"""Links written where no request is at hand (emails, group-chat messages, made by the worker): the
site's address is `JIEDAO_PUBLIC_URL`, never the address some request happened to come in by."""

from django.conf import settings


def absolute_url(path: str) -> str:
    return settings.JIEDAO_PUBLIC_URL.rstrip("/") + path
