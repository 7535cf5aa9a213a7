"""The site's URLs plus the uploaded photos, for the browser tests.

`jiedao.urls` serves MEDIA_ROOT only when DEBUG is on (pytest-django turns it off) and with the
MEDIA_ROOT of import time; here it is read per request, so each test sees its own uploads."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from jiedao.urls import urlpatterns as site_urlpatterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", media), *site_urlpatterns]
