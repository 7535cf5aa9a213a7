"""Evidence files, checked by content (never by the name or the type the browser claims), like case
photos: a photo goes through `cases/photos.photo_prepare` (re-encoded, EXIF and location dropped,
pixels bounded); a document must be a PDF, or a Word .docx / Excel .xlsx file whose package holds
the parts such a file has and no macros. Each file is bounded in size, a submission in number;
everything is checked before anything is written."""

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from jiedao.cases.errors import InvalidInput
from jiedao.cases.photos import photo_prepare

from .models import FileKind

# Office packages: the part that makes the file what it is, and its content type.
OFFICE_PARTS = {
    "docx": ("word/document.xml",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
LONGEST_NAME = 120


@dataclass
class PreparedFile:
    kind: str
    file: ContentFile
    thumbnail: ContentFile | None
    original_name: str
    extension: str
    content_type: str
    size_bytes: int


def _name(upload) -> str:
    """The name the person gave the file, without any folder, for display only."""
    name = PurePath(str(getattr(upload, "name", "") or "").replace("\\", "/")).name.strip()
    return (name or _("未命名文件"))[:LONGEST_NAME]


def _unsupported(name: str) -> ValidationError:
    return ValidationError(_("文件“%(name)s”不是支持的格式（支持 PDF、Word .docx、Excel .xlsx 文档和 "
                             "JPEG、PNG、WebP、HEIC 照片）") % {"name": name}, code="format")


def _office_kind(data: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = {part.lower() for part in package.namelist()}
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _unsupported(name) from None
    if any(part.endswith(MACRO_PARTS) for part in parts):
        raise ValidationError(_("文件“%(name)s”含有宏，请另存为不含宏的文档后上传") % {"name": name}, code="macro")
    if "[content_types].xml" in parts:
        for extension, (part, _content_type) in OFFICE_PARTS.items():
            if part in parts:
                return extension
    raise _unsupported(name)


def _document(data: bytes, name: str) -> PreparedFile:
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError(_("文件“%(name)s”不是完整的 PDF") % {"name": name}, code="pdf")
        extension, content_type = "pdf", "application/pdf"
    else:
        extension = _office_kind(data, name)
        content_type = OFFICE_PARTS[extension][1]
    return PreparedFile(kind=FileKind.DOCUMENT, file=ContentFile(data, name=f"evidence.{extension}"),
                        thumbnail=None, original_name=name, extension=extension, content_type=content_type,
                        size_bytes=len(data))


def _is_image(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)):  # the header only
            return True
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return False


def evidence_file_prepare(upload) -> PreparedFile:
    """Read one upload; refuse what is not a supported document or photo, with a message naming it."""
    name = _name(upload)
    limit = settings.JIEDAO_EVIDENCE_FILE_MAX_BYTES
    too_large = ValidationError(_("文件“%(name)s”太大（上限 %(mb)d MB）") % {"name": name, "mb": limit // (1024 * 1024)},
                                code="size")
    if (getattr(upload, "size", None) or 0) > limit:
        raise too_large
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_large
    if not data:
        raise ValidationError(_("文件“%(name)s”是空的") % {"name": name}, code="empty")
    if data.startswith((b"%PDF-", b"PK\x03\x04")):
        return _document(data, name)
    if not _is_image(data):
        raise _unsupported(name)
    try:
        photo = photo_prepare(ContentFile(data, name=name))
    except InvalidInput as error:
        raise ValidationError(str(error.message), code="photo") from None
    extension = "png" if photo.content_type == "image/png" else "jpg"
    return PreparedFile(kind=FileKind.PHOTO, file=photo.image, thumbnail=photo.thumbnail, original_name=name,
                        extension=extension, content_type=photo.content_type, size_bytes=photo.size_bytes)


def evidence_files_prepare(uploads) -> list[PreparedFile]:
    """Every file of a submission, or a ValidationError before anything is kept."""
    uploads = list(uploads or [])
    if not uploads:
        raise ValidationError(_("请至少上传一个文件"), code="no_files")
    most = settings.JIEDAO_EVIDENCE_FILES_PER_SUBMISSION
    if len(uploads) > most:
        raise ValidationError(_("一次最多上传 %(n)d 个文件") % {"n": most}, code="too_many")
    return [evidence_file_prepare(upload) for upload in uploads]
