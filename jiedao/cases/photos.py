"""Photos: checked by content (not by name), size-limited, re-encoded without EXIF, thumbnailed.
The EXIF location is kept as a hint for the case location and never shown."""

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import InvalidInput

try:  # HEIC from iPhones, through the maintained pillow-heif plugin
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIF_FORMATS = {"HEIF"}
except ImportError:  # pragma: no cover
    HEIF_FORMATS = set()

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"} | HEIF_FORMATS
THUMBNAIL_SIZE = (480, 480)
# JPEG's DCT lets a large photo be decoded at 1/2, 1/4 or 1/8 of its size at a fraction of the cost.
JPEG_SCALES = (1, 2, 4, 8)


@dataclass
class PreparedPhoto:
    image: ContentFile
    thumbnail: ContentFile
    content_type: str
    size_bytes: int
    exif_longitude: float | None
    exif_latitude: float | None


def _exif_location(image: Image.Image) -> tuple[float | None, float | None]:
    try:
        gps = image.getexif().get_ifd(0x8825)
    except Exception:
        return None, None
    if not gps or 2 not in gps or 4 not in gps:
        return None, None

    def degrees(values) -> float:
        d, m, s = (float(v) for v in values)
        return d + m / 60 + s / 3600

    try:
        latitude = degrees(gps[2]) * (-1 if gps.get(1) == "S" else 1)
        longitude = degrees(gps[4]) * (-1 if gps.get(3) == "W" else 1)
    except (TypeError, ValueError, ZeroDivisionError):
        return None, None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None, None
    return longitude, latitude


def _fit_pixel_budget(image: Image.Image, name: str) -> None:
    """Before decoding: a photo is decoded at no more than JIEDAO_PHOTO_MAX_PIXELS. A larger JPEG is
    decoded reduced (draft mode, the smallest reduction that fits); anything else larger is refused
    from the size its header declares, so a small file of huge dimensions costs nothing."""
    budget = settings.JIEDAO_PHOTO_MAX_PIXELS
    width, height = image.size
    if width * height <= budget:
        return
    too_large = InvalidInput(
        _("照片“%(name)s”像素过大（%(width)d×%(height)d，上限 %(mp)s 百万像素）")
        % {"name": name, "width": width, "height": height, "mp": f"{budget / 1_000_000:.1f}"},
        field="photos",
    )
    if image.format not in {"JPEG", "MPO"}:
        raise too_large
    for scale in JPEG_SCALES:
        reduced = (-(-width // scale), -(-height // scale))
        if reduced[0] * reduced[1] <= budget:
            image.draft(image.mode, reduced)
            break
    if image.size[0] * image.size[1] > budget:
        raise too_large


def photo_prepare(upload) -> PreparedPhoto:
    """Read an uploaded file; refuse what is not a photo; return clean JPEG/PNG bytes."""
    name = getattr(upload, "name", "photo")
    size = getattr(upload, "size", None)
    if size is not None and size > settings.JIEDAO_PHOTO_MAX_BYTES:
        raise InvalidInput(
            _("照片“%(name)s”太大（上限 %(limit)d MB）")
            % {"name": name, "limit": settings.JIEDAO_PHOTO_MAX_BYTES // (1024 * 1024)},
            field="photos",
        )
    data = upload.read()
    if len(data) > settings.JIEDAO_PHOTO_MAX_BYTES:
        raise InvalidInput(_("照片“%(name)s”太大") % {"name": name}, field="photos")
    not_a_photo = InvalidInput(
        _("文件“%(name)s”不是可识别的照片（支持 JPEG、PNG、WebP、HEIC）") % {"name": name}, field="photos"
    )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))  # reads the header only: no pixel is decoded yet
        if image.format not in ACCEPTED_FORMATS:
            raise not_a_photo
        _fit_pixel_budget(image, name)
        longitude, latitude = _exif_location(image)
        image.load()
        ImageOps.exif_transpose(image, in_place=True)
    except InvalidInput:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise not_a_photo from error

    keep_png = image.format == "PNG" and image.mode in {"RGBA", "LA", "P"}
    if not keep_png and image.mode not in {"RGB", "L"}:
        image = image.convert("RGB")
    clean = io.BytesIO()
    # Re-encoding from pixels drops every EXIF block, including the location.
    if keep_png:
        image.save(clean, format="PNG")  # zlib's default level: `optimize` costs seconds on a large photo
        extension, content_type = "png", "image/png"
    else:
        image.save(clean, format="JPEG", quality=85, optimize=True)
        extension, content_type = "jpg", "image/jpeg"
    image.thumbnail(THUMBNAIL_SIZE)  # in place: the full-size pixels are not needed any more
    if image.mode not in {"RGB", "L"}:
        image = image.convert("RGB")
    thumb_bytes = io.BytesIO()
    image.save(thumb_bytes, format="JPEG", quality=75)
    return PreparedPhoto(
        image=ContentFile(clean.getvalue(), name=f"photo.{extension}"),
        thumbnail=ContentFile(thumb_bytes.getvalue(), name="thumb.jpg"),
        content_type=content_type,
        size_bytes=len(clean.getvalue()),
        exif_longitude=longitude,
        exif_latitude=latitude,
    )
