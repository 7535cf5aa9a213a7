from django.urls import path

from . import field_views, views

app_name = "rivers"
urlpatterns = [
    # the office's pages
    path("rivers/", views.river_map, name="map"),
    path("rivers/import/", views.register_import, name="import"),
    path("rivers/segments/", views.segment_list, name="segment-list"),
    path("rivers/segments/<int:pk>/", views.segment_detail, name="segment-detail"),
    path("rivers/chiefs/", views.chief_list, name="chief-list"),
    path("rivers/chiefs/assign/", views.chief_assign, name="chief-assign"),
    path("rivers/chiefs/<int:pk>/log/", views.chief_log, name="chief-log"),
    path("rivers/patrols/<uuid:client_id>/", views.patrol_detail, name="patrol-detail"),
    path("rivers/problems/<int:pk>/photos/<int:photo_id>/<slug:size>/", views.problem_photo, name="problem-photo"),
    path("rivers/letters/", views.letter_list, name="letter-list"),
    path("rivers/letters/<int:pk>/", views.letter_detail, name="letter-detail"),
    path("rivers/letters/<int:pk>/act/", views.letter_act, name="letter-act"),
    path("rivers/works/", views.work_list, name="work-list"),
    path("rivers/works/<int:pk>/record/", views.work_record, name="work-record"),
    # the patrol on the phone, inside the field app's scope (its service worker and outbox)
    path("field/rivers/", field_views.start_page, name="field-start"),
    path("field/rivers/<int:segment_id>/", field_views.patrol_page, name="field-patrol"),
    # the device's outbox posts here (JSON answers; CSRF token in the X-CSRFToken header)
    path("field/rivers/api/patrols/", field_views.api_start, name="api-start"),
    path("field/rivers/api/patrols/<uuid:client_id>/points/", field_views.api_points, name="api-points"),
    path("field/rivers/api/patrols/<uuid:client_id>/problems/", field_views.api_problem, name="api-problem"),
    path("field/rivers/api/patrols/<uuid:client_id>/submit/", field_views.api_submit, name="api-submit"),
]
