from django.urls import path

from . import field_views, views

app_name = "inspections"
urlpatterns = [
    # the office's pages
    path("inspections/", views.inspection_list, name="inspection-list"),
    path("inspections/scores/", views.unit_score_table, name="scores"),
    path("inspections/plans/", views.plan_list, name="plan-list"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection-detail"),
    path("inspections/<int:pk>/reinspect/", views.reinspection_form, name="reinspect"),
    path("inspections/<int:pk>/photos/<int:photo_id>/<str:size>/", views.inspection_photo, name="photo"),
    # the sheet on the phone, inside the field app's scope (its service worker keeps it offline)
    path("field/inspections/", field_views.start_page, name="field-start"),
    path("field/inspections/sheet/<int:version_id>/", field_views.sheet_page, name="field-sheet"),
    # the device's outbox posts here (JSON answers; CSRF token in the X-CSRFToken header)
    path("field/inspections/api/", field_views.api_start, name="api-start"),
    path("field/inspections/api/<uuid:client_id>/items/", field_views.api_item, name="api-item"),
    path("field/inspections/api/<uuid:client_id>/submit/", field_views.api_submit, name="api-submit"),
]
