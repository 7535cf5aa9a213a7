"""Limits hold across server processes: two real servers (gunicorn, one worker each) against the
same database and cache, the requests alternating between them, as a load balancer or gunicorn's
several workers would spread them. A cache per process would let each server count on its own."""

import re
import subprocess
import time
import uuid

import pytest
import requests

from jiedao.accounts.models import SignInPolicy
from jiedao.jobs.tests.processes import PROJECT, PYTHON, free_port, process_env
from jiedao.portal.models import PortalPolicy

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(params=["production cache (Redis)", "development cache (no Redis)"])
def two_servers(request, transactional_db, tmp_path):
    extra = {}
    if request.param.startswith("production"):
        try:
            import redis

            redis.Redis.from_url(REDIS_URL).ping()
        except redis.RedisError:
            pytest.skip(f"Redis at {REDIS_URL} is not running")
        # Production's cache, with keys of its own on the shared Redis (production's HTTPS-only
        # settings are left out: this client speaks plain HTTP to the servers).
        extra = {"REDIS_URL": REDIS_URL, "JIEDAO_CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    env = process_env(tmp_path, **extra)
    servers, urls = [], []
    for _ in range(2):
        port = free_port()
        servers.append(subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "jiedao.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--log-level", "warning"],
            cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for server, url in zip(servers, urls, strict=True):
            _wait_until_up(server, url)
        yield urls
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)


def _wait_until_up(server: subprocess.Popen, url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server stopped: {server.stderr.read()[-3000:]}")
        try:
            requests.get(f"{url}/p/", timeout=30)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer within a minute")


def test_the_tracking_code_guessing_limit_counts_the_requests_of_both_servers(two_servers):
    PortalPolicy.objects.update_or_create(pk=1, defaults={"lookups_missed_per_ip_per_hour": 4})
    statuses = [requests.get(f"{two_servers[n % 2]}/p/t/ZZZZZZZZ{n:02d}/", timeout=30).status_code for n in range(6)]

    # four wrong codes in all (two on each server), then both refuse
    assert statuses == [404, 404, 404, 404, 429, 429]


def test_a_sign_in_lockout_counts_the_failures_on_both_servers(two_servers, world):
    SignInPolicy.objects.update_or_create(pk=1, defaults={"failures_per_account": 3, "failures_per_address": 100})
    browser = requests.Session()  # cookies are per host, not per port: one CSRF cookie for both servers

    def sign_in(url: str, password: str) -> requests.Response:
        page = browser.get(f"{url}/login/", timeout=30).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return browser.post(f"{url}/login/", data={"csrfmiddlewaretoken": token, "username": "leader",
                                                   "password": password}, allow_redirects=False, timeout=30)

    failures = [sign_in(two_servers[n % 2], "wrong-password").status_code for n in range(3)]
    right_password = sign_in(two_servers[1], "pass-1234")

    assert failures == [200, 200, 429]  # the third failure (the second on the first server) locks
    assert right_password.status_code == 429  # and the other server refuses even the right password
