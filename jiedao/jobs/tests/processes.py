"""Real processes (a worker, servers) against the test database, configured by their environment
the way a deployment is. The test must use `transactional_db` so that they see its rows."""

import os
import socket
import sys
from pathlib import Path

from django.db import connection

PROJECT = Path(__file__).resolve().parents[3]


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return f"postgres://{settings['USER']}{password}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def process_env(var: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("REDIS_URL", "DATABASE_URL", "JIEDAO_PRODUCTION", "DEBUG")}
    env.update(DJANGO_SETTINGS_MODULE="jiedao.settings", DATABASE_URL=database_url(), JIEDAO_VAR_DIR=str(var),
               LANGUAGE_CODE="zh-hans", PYTHONUNBUFFERED="1", **extra)
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PYTHON = sys.executable
