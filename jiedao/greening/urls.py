from django.urls import path

from . import views

app_name = "greening"
urlpatterns = [
    path("", views.planting_list, name="planting-list"),
    path("overview/", views.overview, name="overview"),
    path("new/", views.planting_create, name="planting-create"),
    path("<int:pk>/", views.planting_detail, name="planting-detail"),
    path("checks/", views.survival_check_create, name="check-create"),
]
