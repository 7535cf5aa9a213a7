"""Security headers on every kind of answer (pages, JSON, files), a Content-Security-Policy with
no inline script anywhere (every template is scanned), and production settings that pass
Django's deployment check without a warning."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.test import Client

ROOT = Path(settings.BASE_DIR)
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; "
          "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; "
          "form-action 'self'; frame-ancestors 'none'")


def _directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def _assert_headers(response) -> None:
    assert _directives(response["Content-Security-Policy"]) == _directives(POLICY)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login/", "/p/", "/p/report/", "/api/v1/openapi.json", "/open311/v2/discovery.json",
                                  "/field/manifest.webmanifest", "/no-such-page/"])
def test_every_answer_carries_the_policy_and_the_headers(world, path):
    response = Client().get(path)

    assert response.status_code in {200, 404}
    _assert_headers(response)


@pytest.mark.django_db
def test_a_signed_in_page_and_a_json_refusal_carry_them_too(world):
    client = Client()
    client.force_login(world.people.grid_worker)

    page = client.get("/field/")
    refused = client.post("/field/api/reports/", {})

    assert page.status_code == 200
    assert refused.status_code == 400
    _assert_headers(page)
    _assert_headers(refused)


@pytest.mark.django_db
def test_what_a_signed_in_person_is_shown_is_kept_by_no_shared_cache(world):
    client = Client()
    client.force_login(world.people.dispatcher)

    inbox = client.get("/")
    public = Client().get("/p/")

    assert inbox.status_code == 200
    assert "private" in inbox["Cache-Control"]
    assert "private" not in public.get("Cache-Control", "")


def test_a_tile_server_is_allowed_as_an_image_source_only():
    from jiedao.settings import tile_origin

    assert tile_origin("https://{s}.tiles.example.gov.cn/{z}/{x}/{y}.png") == ["https://*.tiles.example.gov.cn"]
    assert tile_origin("https://tiles.example/{z}/{x}/{y}.png") == ["https://tiles.example"]
    assert tile_origin("") == []


# ---------------------------------------------------------------- no inline script in any template

def _templates() -> list[Path]:
    return sorted(path for path in (ROOT / "jiedao").rglob("templates/**/*.html"))


# <script> without src (JSON data blocks from json_script are data, not script); on…= handlers;
# javascript: URLs; style attributes and <style> elements (the policy has no 'unsafe-inline').
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<[^>]*\sstyle\s*=|<style\b", re.IGNORECASE)
# Documents that never reach a browser: the bulletin is laid out by WeasyPrint into a PDF.
NOT_SERVED = {"reports/bulletin.html", "reports/river_log.html"}  # drawn into PDFs by WeasyPrint


def test_the_scan_finds_what_it_looks_for():
    assert INLINE_SCRIPT.search('<script>alert(1)</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/x.js"></script>')
    assert not INLINE_SCRIPT.search('<script type="application/json" id="d">{}</script>')
    assert INLINE_HANDLER.search('<select name="x" onchange="this.form.submit()">')
    assert not INLINE_HANDLER.search('<select name="x" data-autosubmit>')
    assert JAVASCRIPT_URL.search('<a href="javascript:void(0)">')
    assert INLINE_STYLE.search('<form style="margin-top:4px">')


def test_no_template_has_an_inline_script_handler_or_style():
    assert len(_templates()) > 50
    found = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        checks = [INLINE_SCRIPT, INLINE_HANDLER, JAVASCRIPT_URL]
        if not any(path.as_posix().endswith(f"templates/{skip}") for skip in NOT_SERVED):
            checks.append(INLINE_STYLE)
        for pattern in checks:
            found += [f"{path.relative_to(ROOT)}: {match.group(0)[:80]}" for match in pattern.finditer(text)]
    assert found == []


# ---------------------------------------------------------------- production

def _production_env(tmp_path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DEBUG"))}
    env.update({"DJANGO_SETTINGS_MODULE": "jiedao.settings", "JIEDAO_PRODUCTION": "1", "DEBUG": "0",
                "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "jiedao.example.gov.cn",
                "CSRF_TRUSTED_ORIGINS": "https://jiedao.example.gov.cn", "REDIS_URL": "redis://127.0.0.1:6379/0",
                "JIEDAO_PUBLIC_URL": "https://jiedao.example.gov.cn",
                "JIEDAO_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
                # residents' contact data: production refuses to start without its keys (jiedao/privacy)
                "JIEDAO_CONTACT_KEYS": Fernet.generate_key().decode()})
    return env


def test_the_deployment_check_is_clean_in_production(tmp_path):
    done = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=_production_env(tmp_path), capture_output=True, text=True, timeout=120)

    assert (done.returncode, done.stdout.strip(), done.stderr.strip()) == (
        0, "System check identified no issues (0 silenced).", "")


def test_production_sends_hsts_secure_cookies_and_trusts_the_proxys_scheme(tmp_path):
    script = """
import json
import django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in (
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE", "SECURE_PROXY_SSL_HEADER", "X_FRAME_OPTIONS", "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY")}))
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=_production_env(tmp_path),
                          capture_output=True, text=True, timeout=120)

    assert json.loads(done.stdout) == {
        "SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True, "SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax", "CSRF_COOKIE_SECURE": True, "CSRF_COOKIE_SAMESITE": "Lax",
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"], "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "same-origin", "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin"}


@pytest.mark.django_db
def test_with_production_transport_settings_plain_http_is_redirected_and_https_gets_hsts(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["jiedao.example.gov.cn"]

    plain = Client().get("/login/", HTTP_HOST="jiedao.example.gov.cn")
    proxied = Client().get("/api/v1/openapi.json", HTTP_HOST="jiedao.example.gov.cn", HTTP_X_FORWARDED_PROTO="https")

    assert (plain.status_code, plain["Location"]) == (301, "https://jiedao.example.gov.cn/login/")
    assert proxied.status_code == 200
    assert proxied["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
