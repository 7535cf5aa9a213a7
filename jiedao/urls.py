from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve


def media(request, path):
    # Development and tests only: production serves MEDIA_ROOT (or S3) from the front web server.
    # MEDIA_ROOT is read per request so tests that point it elsewhere see their own uploads.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("jiedao.api.urls")),
    path("", include("jiedao.web.urls")),
]
if not settings.PRODUCTION:
    urlpatterns.insert(0, re_path(r"^media/(?P<path>.*)$", media))
