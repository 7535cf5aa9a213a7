"""A generated file as a download response. Every such file carries case records or personal
data, so each one is written to the security log (who, from where, which file, how many rows)."""

from django.http import HttpRequest, HttpResponse

from jiedao.audit.services import export_record

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def download(data: bytes, filename: str, *, request: HttpRequest, rows: int | None = None,
             detail: dict | None = None) -> HttpResponse:
    """`filename` is ASCII and ends with one of CONTENT_TYPES' extensions."""
    export_record(request=request, filename=filename, rows=rows, detail=detail)
    response = HttpResponse(data, content_type=CONTENT_TYPES[filename.rsplit(".", 1)[-1]])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
