from django.urls import path

from . import views

app_name = "assets"
urlpatterns = [
    path("", views.asset_map, name="asset-map"),
    path("points.json", views.asset_points, name="points"),
    path("nearest.json", views.nearest_json, name="nearest"),
    path("list/", views.asset_list, name="asset-list"),
    path("import/", views.asset_import, name="import"),
    path("export.xlsx", views.asset_export, name="export"),
    path("repeat-repairs/", views.repeat_repairs, name="repeat-repairs"),
    path("<int:asset_id>/", views.asset_detail, name="asset-detail"),
    path("<int:asset_id>/state/", views.asset_state, name="asset-state"),
    path("<int:asset_id>/maintenance/", views.maintenance_add, name="maintenance-add"),
    path("<int:asset_id>/photos/<int:photo_id>/<slug:size>/", views.maintenance_photo, name="maintenance-photo"),
    path("zones/", views.zone_list, name="zone-list"),
    path("zones/<int:zone_id>/", views.zone_detail, name="zone-detail"),
]
