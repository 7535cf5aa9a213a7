"""Bad input: a clear message, and nothing written — no case, no event, no photo file."""

import pytest

from jiedao.cases.errors import InvalidInput
from jiedao.cases.models import Case, CaseEvent, CasePhoto
from jiedao.conftest import ORIGIN_LAT, ORIGIN_LON, jpeg_bytes, make_upload

from .conftest import report

pytestmark = pytest.mark.django_db


def _nothing_written(settings):
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0
    assert CasePhoto.objects.count() == 0
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


@pytest.mark.parametrize(("longitude", "latitude"), [("abc", "30.2"), (200, 30.2), (120.1, -95),
                                                     (float("nan"), 30.2)])
def test_bad_coordinates(world, clock, settings, longitude, latitude):
    with pytest.raises(InvalidInput) as refused:
        report(world, longitude=longitude, latitude=latitude)
    assert refused.value.field == "location"
    _nothing_written(settings)


def test_point_outside_the_sub_district(world, clock, settings):
    with pytest.raises(InvalidInput) as refused:
        report(world, longitude=ORIGIN_LON - 1, latitude=ORIGIN_LAT)
    assert "网格" in str(refused.value.message)
    _nothing_written(settings)


def test_unknown_coordinate_system(world, clock, settings):
    with pytest.raises(InvalidInput):
        report(world, crs="epsg:3857")
    _nothing_written(settings)


def test_renamed_exe_is_not_a_photo(world, clock, settings):
    fake = make_upload("现场.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "image/jpeg")
    with pytest.raises(InvalidInput) as refused:
        report(world, photos=[make_upload(), fake])
    assert "现场.jpg" in str(refused.value.message)
    _nothing_written(settings)


def test_oversized_photo(world, clock, settings):
    settings.JIEDAO_PHOTO_MAX_BYTES = 1000
    with pytest.raises(InvalidInput) as refused:
        report(world, photos=[make_upload(data=jpeg_bytes(size=(800, 600)))])
    assert refused.value.field == "photos"
    _nothing_written(settings)


def test_overlong_description(world, clock, settings):
    with pytest.raises(InvalidInput):
        report(world, description="垃" * 4001)
    _nothing_written(settings)


def test_gcj02_point_is_stored_as_wgs84(world, clock):
    from jiedao.conftest import grid_centre
    from jiedao.territory.coordinates import wgs84_to_gcj02

    lon, lat = grid_centre(1)
    gcj_lon, gcj_lat = wgs84_to_gcj02(lon, lat)
    case = report(world, longitude=gcj_lon, latitude=gcj_lat, crs="gcj02")

    assert case.grid == world.grids[1]
    assert abs(case.longitude - lon) < 1e-5 and abs(case.latitude - lat) < 1e-5


def test_exif_location_is_a_hint_and_is_stripped_from_the_stored_photo(world, clock):
    import io

    from PIL import Image

    from jiedao.conftest import grid_centre

    lon, lat = grid_centre(2)
    image = Image.new("RGB", (32, 32), (10, 200, 10))
    exif = Image.Exif()
    gps = {1: "N", 2: _dms(lat), 3: "E", 4: _dms(lon)}
    exif[0x8825] = gps
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)

    case = report(world, longitude=None, latitude=None, photos=[make_upload(data=buffer.getvalue())])

    assert case.grid == world.grids[2]
    photo = case.photos.get()
    assert abs(photo.exif_longitude - lon) < 1e-4
    with Image.open(photo.image.path) as stored:
        assert not stored.getexif().get_ifd(0x8825)


def _dms(value: float):
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60 * 1000) / 1000
    return (degrees, minutes, seconds)


def test_heic_from_a_phone_is_accepted_and_stored_as_jpeg(world, clock):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 120, 20)).save(buffer, format="HEIF")

    case = report(world, photos=[make_upload("IMG_0001.HEIC", buffer.getvalue(), "image/heic")])

    photo = case.photos.get()
    assert photo.content_type == "image/jpeg"
    with Image.open(photo.image.path) as stored:
        assert (stored.format, stored.size) == ("JPEG", (40, 30))
    with Image.open(photo.thumbnail.path) as thumbnail:
        assert thumbnail.format == "JPEG"
