"""The portal's tests use the shared people, places and helpers of jiedao/conftest.py."""

from pathlib import Path

import pytest
from django.conf import settings

from jiedao.conftest import SHANGHAI, TUESDAY_0900, clock, grid_centre, make_upload, report, walk_to  # noqa: F401


def media_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def report_form(world, **fields) -> dict:
    lon, lat = grid_centre(0)
    return {"item": world.item.pk, "longitude": lon, "latitude": lat, "crs": "wgs84", "description": "小区门口垃圾三天没人清",
            "address": "桃源路 12 号", "phone": "138 0013 8000", "name": "张阿姨", "client_key": "form-key-0001",
            "photos": make_upload(), **fields}


@pytest.fixture
def resident(client):
    """An anonymous visitor's browser."""
    return client
