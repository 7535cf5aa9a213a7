"""Production refuses to start without a cache every server process shares (the rate limits count
in it), and `check --deploy` flags a cache that lives in one process."""

import subprocess

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from jiedao.jobs.checks import shared_cache_check
from jiedao.jobs.tests.processes import PROJECT, PYTHON, process_env


def test_production_refuses_to_start_without_redis(tmp_path):
    env = process_env(tmp_path, JIEDAO_PRODUCTION="1", SECRET_KEY="a-real-secret-key-for-this-test",
                      JIEDAO_CONTACT_KEYS=Fernet.generate_key().decode())  # production's other requirement
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"

    started = subprocess.run([PYTHON, "manage.py", "check"], cwd=PROJECT, env=env, capture_output=True,
                             text=True, timeout=120, check=False)

    assert started.returncode != 0
    assert "ImproperlyConfigured: Production needs REDIS_URL" in started.stderr


def test_check_deploy_flags_a_cache_of_one_process():
    # the test settings' cache is local memory, as the development default was
    with pytest.raises(SystemCheckError, match=r"jobs\.E001"):
        call_command("check", deploy=True, tags=["caches"])


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                       "LOCATION": "redis://127.0.0.1:6379/0"}})
def test_check_deploy_accepts_redis():
    assert shared_cache_check() == []
