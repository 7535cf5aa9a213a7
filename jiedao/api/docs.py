"""The interactive API docs (Swagger UI) served from the files django-ninja ships, never a CDN:
offices often run on closed networks and the page must work there too."""

import json
from pathlib import Path

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from ninja.openapi.docs import DocsBase

ASSET_DIR = Path(ninja.__file__).parent / "static" / "ninja"
ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "favicon.png": "image/png",
}


class LocalSwagger(DocsBase):
    settings = {
        "layout": "BaseLayout",
        "deepLinking": True,
        # The default validator badge calls validator.swagger.io.
        "validatorUrl": None,
    }

    def render_page(self, request: HttpRequest, api, **kwargs) -> HttpResponse:
        swagger_settings = self.settings | {"url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/docs.html", {
            "api": api, "swagger_settings": json.dumps(swagger_settings),
            "assets": {name.split(".")[0].replace("-", "_"): reverse("api-docs-asset", args=[name])
                       for name in ASSETS},
        })


@require_GET
@cache_control(max_age=86400, public=True)
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in ASSETS:
        raise Http404
    return FileResponse((ASSET_DIR / name).open("rb"), content_type=ASSETS[name])
