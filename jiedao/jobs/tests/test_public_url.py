"""Issue 10, point 10: links written outside a request use JIEDAO_PUBLIC_URL, which in development is the
address the server runs on (PORT), and production is warned when it still points at this machine."""

import os
import subprocess
import sys

from django.core.checks import run_checks


def _settings_value(name: str, **env) -> str:
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("PORT", "JIEDAO_PUBLIC_URL", "CSRF_TRUSTED_ORIGINS")}
    environment |= {"DJANGO_SETTINGS_MODULE": "jiedao.settings", **env}
    done = subprocess.run([sys.executable, "-c", f"from django.conf import settings; print(settings.{name})"],
                          env=environment, capture_output=True, text=True, timeout=120, check=True)
    return done.stdout.strip()


def test_development_links_follow_the_port_the_server_runs_on():
    assert _settings_value("JIEDAO_PUBLIC_URL", PORT="8050") == "http://127.0.0.1:8050"
    assert _settings_value("JIEDAO_PUBLIC_URL") == "http://127.0.0.1:8000"
    assert "http://127.0.0.1:8050" in _settings_value("CSRF_TRUSTED_ORIGINS", PORT="8050")
    assert _settings_value("JIEDAO_PUBLIC_URL", PORT="8050",
                           JIEDAO_PUBLIC_URL="https://jiedao.example.gov.cn") == "https://jiedao.example.gov.cn"


def test_production_is_warned_while_links_point_at_this_machine(settings):
    settings.PRODUCTION = True
    settings.JIEDAO_PUBLIC_URL = "http://127.0.0.1:8000"
    warned = [message.id for message in run_checks(include_deployment_checks=True)]
    settings.JIEDAO_PUBLIC_URL = "https://jiedao.example.gov.cn"
    quiet = [message.id for message in run_checks(include_deployment_checks=True)]

    assert "jobs.W002" in warned
    assert "jobs.W002" not in quiet
