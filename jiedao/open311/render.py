"""GeoReport v2 documents in XML and JSON, one mechanical mapping for both ("Spark convention"): a
list is a JSON array and, in XML, a container whose members take the singular tag
(`service_requests/request`); an empty optional field is `null` in JSON and an empty element in
XML; booleans are `true` / `false`. Pure: records in, bytes out.

XML is written in one pass (a page of 1000 requests is 18,000 elements; building an ElementTree
first tripled the time): element names are our own constants, every text goes through the
standard library's XML escaping (`xml.sax.saxutils.escape`) after the characters XML 1.0 cannot
carry are dropped. The tests parse every answer of every endpoint with ElementTree."""

import json
import re
from datetime import datetime
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse

JSON, XML = "json", "xml"
FORMATS = (JSON, XML)
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}
MIME_TYPES = {JSON: "application/json", XML: "text/xml"}

# The singular tag of each list's members in XML.
MEMBER_TAGS = {
    "services": "service",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}

XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'
# Characters XML 1.0 cannot carry at all (C0 controls other than tab and newlines, and U+FFFE/F):
# a description typed with one of them must not make the whole list unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_ZONE = ZoneInfo(settings.TIME_ZONE)


def iso_datetime(value: datetime | None) -> str | None:
    """W3C date-time with the offset always written (+08:00), as the spec requires."""
    if value is None:
        return None
    return value.astimezone(_ZONE).isoformat(timespec="seconds")


def _text(value) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return escape(_NOT_XML.sub("", value))
    return escape(str(value))


def _write(parts: list[str], tag: str, value) -> None:
    if value is None:
        parts.append(f"<{tag} />")
    elif isinstance(value, list):
        member = MEMBER_TAGS[tag]
        if not value:
            parts.append(f"<{tag} />")
            return
        parts.append(f"<{tag}>")
        for item in value:
            _write(parts, member, item)
        parts.append(f"</{tag}>")
    elif isinstance(value, dict):
        parts.append(f"<{tag}>")
        for key, item in value.items():
            if item.__class__ is str:  # most fields of a record: the short way
                parts.append(f"<{key}>{escape(_NOT_XML.sub('', item))}</{key}>")
            else:
                _write(parts, key, item)
        parts.append(f"</{tag}>")
    else:
        parts.append(f"<{tag}>{_text(value)}</{tag}>")


def xml_bytes(root: str, content: list[dict] | dict) -> bytes:
    parts: list[str] = []
    _write(parts, root, content)
    return XML_DECLARATION + "".join(parts).encode("utf-8")


def json_bytes(content: list[dict] | dict) -> bytes:
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def document_response(fmt: str, root: str, content: list[dict] | dict, *, status: int = 200) -> HttpResponse:
    """`root` names the XML document (`service_requests`); JSON carries only the content."""
    body = xml_bytes(root, content) if fmt == XML else json_bytes(content)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors_response(fmt: str, status: int, errors: list[tuple[int, str]]) -> HttpResponse:
    content = [{"code": code, "description": str(description)} for code, description in errors]
    return document_response(fmt, "errors", content, status=status)
