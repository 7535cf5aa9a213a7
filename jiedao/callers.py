"""Who is asking: a script that reads JSON (the REST API, the field app's outbox, Open311, a fetch()
that asks for JSON or sends it) or a person in a browser. One rule for every refusal the site makes
before or instead of a view: oversized bodies, bad parameters, CSRF, an expired session."""

from django.http import HttpRequest

JSON_PATH_PREFIXES = ("/api/", "/field/api/", "/open311/")


def wants_json(request: HttpRequest) -> bool:
    if request.path.startswith(JSON_PATH_PREFIXES) or request.content_type == "application/json":
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept
