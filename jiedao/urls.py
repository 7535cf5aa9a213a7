from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("account/", include("jiedao.accounts.urls")),
    path("audit/", include("jiedao.audit.urls")),
    path("api/", include("jiedao.api.urls")),
    path("open311/", include("jiedao.open311.urls")),
    # before the field app's: /field/inspections/… is the inspection sheet on the phone
    path("", include("jiedao.inspections.urls")),
    # /rivers/… and the river patrol on the phone (/field/rivers/…), also before the field app's
    path("", include("jiedao.rivers.urls")),
    path("field/", include("jiedao.field.urls")),
    path("notifications/", include("jiedao.supervision.urls")),
    path("accountability/", include("jiedao.accountability.urls")),
    path("campaigns/", include("jiedao.campaigns.urls")),
    path("duties/", include("jiedao.duties.urls")),
    path("benchmarks/", include("jiedao.benchmarks.urls")),
    path("checklists/", include("jiedao.checklists.urls")),
    path("addresses/", include("jiedao.addresses.urls")),
    path("assets/", include("jiedao.assets.urls")),
    path("greening/", include("jiedao.greening.urls")),
    path("soil/", include("jiedao.soil.urls")),
    path("waste/", include("jiedao.waste.urls")),
    path("air/", include("jiedao.air.urls")),
    path("projects/", include("jiedao.projects.urls")),
    path("p/addresses/", include("jiedao.addresses.public_urls")),
    path("p/", include("jiedao.portal.urls")),
    path("", include("jiedao.web.urls")),
]
# A request that cannot be read: the 400 page, or a JSON error for the API (jiedao/params.py).
handler400 = "jiedao.web.errors.bad_request"

# Photos are never served from MEDIA_ROOT directly: every one goes through a view that checks
# who may see its case (web: /cases/<n>/photos/…, API: /api/v1/cases/<n>/photos/…).
