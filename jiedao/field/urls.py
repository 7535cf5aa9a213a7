from django.urls import path

from . import views

app_name = "field"
urlpatterns = [
    path("", views.home, name="home"),
    path("report/", views.report, name="report"),
    path("queue/", views.queue, name="queue"),
    path("patrols/", views.patrol_list, name="patrol-list"),
    path("patrols/<uuid:client_id>/", views.patrol_detail, name="patrol-detail"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service-worker"),
    # the device's outbox posts here (JSON answers; CSRF token in the X-CSRFToken header)
    path("api/reports/", views.api_report, name="api-report"),
    path("api/cases/<str:number>/verify/", views.api_verify, name="api-verify"),
    path("api/cases/<str:number>/check/", views.api_check, name="api-check"),
    path("api/patrols/", views.api_patrol_start, name="api-patrol-start"),
    path("api/patrols/<uuid:client_id>/points/", views.api_patrol_points, name="api-patrol-points"),
    path("api/patrols/<uuid:client_id>/stop/", views.api_patrol_stop, name="api-patrol-stop"),
]
