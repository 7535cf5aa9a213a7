"""Every page, signed in as someone who may open it, with hostile values in each query parameter
it reads and in each part of its path: never a 5xx (issue 8, point 7). The parameters of a page are
learnt by watching which names it reads from the query; the REST API and Open311 are fuzzed from
their OpenAPI descriptions in CI (.ci/fuzz-api, .ci/fuzz-open311)."""

import re
import uuid
from contextlib import contextmanager
from urllib.parse import quote, urlencode

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils.datastructures import MultiValueDict

from jiedao.cases.models import CasePhoto
from jiedao.conftest import report as report_case
from jiedao.conftest import walk_to

HOSTILE = ["9" * 25, "-" + "9" * 25, "-1", "0", "abc", "²", "１２", "a\x00b", "x" * 2000, "0001-01-01", "9999-12-31",
           "9999-12-31T23:59:59-12:00", "2026-02-30", "1e308", "NaN", "'\"<b>%"]
# A query every page understands, so that names read only in some cases (`from`/`to` of a custom
# period, the export `format`) are read, learnt and then fuzzed one by one within it (ids are
# added from the world: `item`, `unit`, `key`).
BENIGN = {"period": "custom", "from": "2026-11-01", "to": "2026-11-30", "page": "1", "q": "垃圾", "state": "",
          "light": "red", "box": "all", "indicator": "reported",
          "object": "community", "kind": "sign_in", "outcome": "success", "since": "2026-11-01",
          "until": "2026-11-30", "person": "a", "address": "10.0.0.1", "days": "7", "longitude": "120.1",
          "latitude": "30.2", "crs": "wgs84", "code": "x", "item_query": "垃圾", "next": "/", "format": "html"}
SKIPPED = ("admin/", "i18n/", "open311/", "api/v1/")  # the admin is Django's; the APIs have their own fuzz


def _routes(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if isinstance(entry.pattern, RoutePattern):
                yield from _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and isinstance(entry.pattern, RoutePattern):
            route = prefix + str(entry.pattern)
            if not route.startswith(SKIPPED):
                yield route


ROUTES = sorted(set(_routes(get_resolver().url_patterns)))
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@contextmanager
def _names_read():
    """The query parameter names a request reads (get, [], getlist; not `in`, which building the
    QueryDict itself uses)."""
    seen: set[str] = set()
    originals = {name: getattr(MultiValueDict, name) for name in ("get", "__getitem__", "getlist")}

    def watching(method):
        def read(self, key, *args, **kwargs):
            if isinstance(self, QueryDict):
                seen.add(key)
            return method(self, key, *args, **kwargs)
        return read

    for name, method in originals.items():
        setattr(MultiValueDict, name, watching(method))
    try:
        yield seen
    finally:
        for name, method in originals.items():
            setattr(MultiValueDict, name, method)


@pytest.fixture
def staff(world, clock, django_user_model):
    """A superuser who also leads the sub-district: every page opens to them."""
    from jiedao.territory.models import Duty, Role

    person = django_user_model.objects.create_superuser(username="root", password="Fuzz-not-a-secret-1",
                                                        full_name="管理员")
    django_user_model.objects.filter(pk=person.pk).update(must_change_password=False)
    Duty.objects.create(user=person, role=Role.LEADER, unit=world.subdistrict)
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def real_values(world, clock):
    case = walk_to(world, report_case(world), "fixed")
    photo = CasePhoto.objects.filter(case=case).first()
    return {"number": case.number, "code": case.tracking_code, "photo_id": str(photo.pk), "size": "thumbnail",
            "action": "accept", "pk": "1", "notification_id": "1", "client_id": str(uuid.uuid4()),
            "token": "x", "name": "x", "rest": "x"}


@pytest.fixture
def benign(world):
    return {**BENIGN, "item": str(world.item.pk), "unit": str(world.subdistrict.pk), "key": str(world.taoyuan.pk)}


def _path(route: str, values: dict, hostile: tuple[str, str] | None = None) -> str:
    def fill(match):
        name = match["name"]
        return quote(hostile[1], safe="") if hostile and hostile[0] == name else values.get(name, "1")
    return "/" + PARAMETER.sub(fill, route)


def _get(client: Client, path: str, query: dict) -> int:
    return client.get(f"{path}?{urlencode(query)}" if query else path).status_code


def _sweep(client: Client, route: str, values: dict, benign: dict) -> list[tuple[str, str, str, int]]:
    path = _path(route, values)
    with _names_read() as seen:
        first = _get(client, path, benign)
    failures = [(route, "", "", first)] if first >= 500 else []
    names = sorted(seen)
    for name in names:
        for value in HOSTILE:
            status = _get(client, path, {**benign, name: value})
            if status >= 500:
                failures.append((route, name, value[:30], status))
    for name in PARAMETER.findall(route):
        for value in HOSTILE:
            hostile_path = _path(route, values, hostile=(name[1], value))
            status = _get(client, hostile_path, {})
            if status >= 500:
                failures.append((route, f"path {name[1]}", value[:30], status))
    return failures


CHUNKS = 4


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_no_query_parameter_or_path_part_makes_a_page_fail(staff, real_values, benign, chunk):
    failures = [failure for route in ROUTES[chunk::CHUNKS] for failure in _sweep(staff, route, real_values, benign)]

    assert failures == []


def test_the_sweep_reaches_the_pages_and_their_parameters(staff, real_values, benign):
    """The sweep is not vacuous: the staff person opens the main pages, and they read parameters."""
    for route in ("", "dashboard/", "evaluation/", "audit/", "bulletin/", "accountability/", "notifications/"):
        with _names_read() as seen:
            status = _get(staff, "/" + route, benign)
        assert status == 200, route
        assert seen, route
    assert len(ROUTES) > 30
