from django.http import HttpRequest
from django.urls import path, re_path

from .api import api, not_found
from .docs import docs_asset


def _unknown(request: HttpRequest, rest: str = ""):
    return not_found(request, None)


urlpatterns: list = [
    path("v1/docs/assets/<str:name>", docs_asset, name="api-docs-asset"),
    path("v1/", api.urls),
    # Anything else under the API answers in JSON, not with the site's HTML 404 page.
    re_path(r"^v1/(?P<rest>.*)$", _unknown),
]
