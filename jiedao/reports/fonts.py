"""The CJK font the bulletin is drawn with, shipped with the project: no system font is needed.

It comes from PyPI with the other dependencies: `noto-cjk-sans-otc` carries Google's Noto Sans CJK
Regular (SIL Open Font Licence 1.1, the licence inside the package) as one OpenType collection of
ten faces (Japanese, Korean, Simplified and Traditional Chinese, Hong Kong, and their Mono faces).
A collection handed to WeasyPrint's @font-face registers every face under one family, and
fontconfig may then draw Chinese with the Japanese face; so the Simplified Chinese face is copied
out, once, into `VAR_DIR/fonts` (0.3 s, 16 MB, all 44,810 characters it covers). Subsetting it to
GB 2312 and the CJK block would take 50 s and save only 3 MB, and the PDF embeds a subset of the
glyphs it uses anyway, so nothing is subset here."""

import functools
import os
import tempfile
from importlib import metadata
from pathlib import Path

from django.conf import settings

CJK_FONT = "Noto Sans CJK SC"
FONT_PACKAGE = "noto-cjk-sans-otc"


def _collection_file() -> Path:
    import noto_cjk_sans_otc

    return Path(str(noto_cjk_sans_otc.FONT_PATH))


@functools.cache
def cjk_font_file() -> Path:
    """The shipped Noto Sans CJK SC as a file of its own (made on first use, kept afterwards)."""
    version = metadata.version(FONT_PACKAGE)
    target = Path(settings.VAR_DIR) / "fonts" / f"{CJK_FONT.replace(' ', '')}-Regular-{version}.otf"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        _face_extract(collection=_collection_file(), family=CJK_FONT, target=target)
    return target


def _face_extract(*, collection: Path, family: str, target: Path) -> None:
    from fontTools.ttLib import TTCollection

    for face in TTCollection(str(collection), lazy=True).fonts:
        if face["name"].getDebugName(1) == family:
            # Written beside the target and renamed: a second process starting at the same moment
            # never reads a half-written font.
            handle, partial = tempfile.mkstemp(dir=target.parent, suffix=".partial")
            os.close(handle)
            try:
                face.save(partial)
                os.chmod(partial, 0o644)  # the web server's user may not be the one who made it
                os.replace(partial, target)
            finally:
                Path(partial).unlink(missing_ok=True)
            return
    raise LookupError(f"{collection} has no face named {family!r}")
