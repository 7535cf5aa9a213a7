from django.urls import path

from . import views

app_name = "soil"
urlpatterns = [
    path("", views.point_list, name="point-list"),
    path("overview/", views.overview, name="overview"),
    path("points/<int:point_id>/", views.point_detail, name="point-detail"),
    path("samples/new/", views.sample_new, name="sample-new"),
]
