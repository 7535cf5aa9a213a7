"""Sending one message on an outside channel: email through Django's mail backend, WeCom and
DingTalk group robots by an HTTP POST of JSON. Every failure is a `DeliveryError` with a message the
administrator can read; the caller decides about retries.

Standard library only (urllib): no new dependency for two POSTs."""

import base64
import hashlib
import hmac
import json
import socket
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import send_mail

# Short on purpose: a worker thread waits this long at most for one robot; a slow robot is retried.
WEBHOOK_TIMEOUT_SECONDS = 5.0


class DeliveryError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def text_payload(content: str) -> dict:
    """The text message of both robots (WeCom 群机器人 and DingTalk 自定义机器人 share the shape)."""
    return {"msgtype": "text", "text": {"content": content}}


def email_send(*, address: str, subject: str, body: str) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
    except (OSError, ValueError) as error:  # smtplib errors are OSErrors
        raise DeliveryError(f"email: {error}") from error


def dingtalk_signed_url(*, url: str, secret: str, timestamp_ms: int) -> str:
    """DingTalk 加签: sign = urlencode(base64(HMAC-SHA256(secret, "{timestamp}\\n{secret}")))."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    separator = "&" if urllib.parse.urlsplit(url).query else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={sign}"


def robot_post(*, url: str, payload: dict) -> None:
    """POST the JSON to a group robot; both robots answer {"errcode": 0, "errmsg": "ok"} on success."""
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        raise DeliveryError(f"not an http(s) URL: {url[:80]}")
    request = urllib.request.Request(
        url, data=json.dumps(payload, ensure_ascii=False).encode(), method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
            answer = response.read(65536)
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"HTTP {error.code}") from error
    except TimeoutError as error:
        raise DeliveryError(f"timeout after {WEBHOOK_TIMEOUT_SECONDS:g} s") from error
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError | socket.timeout):
            raise DeliveryError(f"timeout after {WEBHOOK_TIMEOUT_SECONDS:g} s") from error
        raise DeliveryError(f"network: {error.reason}") from error
    except OSError as error:
        raise DeliveryError(f"network: {error}") from error
    try:
        result = json.loads(answer)
    except ValueError as error:
        raise DeliveryError(f"unexpected answer: {answer[:200]!r}") from error
    errcode = result.get("errcode") if isinstance(result, dict) else None
    if errcode != 0:
        message = result.get("errmsg", "") if isinstance(result, dict) else ""
        raise DeliveryError(f"errcode {errcode}: {message}")
