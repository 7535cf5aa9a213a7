from django.urls import path

from . import views

app_name = "waste"
urlpatterns = [
    path("", views.register, name="register"),
    path("points/<int:pk>/", views.point_detail, name="point-detail"),
    path("points/<int:pk>/checks/", views.check_create, name="check-create"),
    path("points/<int:pk>/problems/", views.problem_create, name="problem-create"),
    path("quantities/new/", views.quantity_create, name="quantity-create"),
    path("quantities/import/", views.quantity_import, name="quantity-import"),
    path("overview/", views.overview, name="overview"),
    path("records/", views.records, name="records"),
    path("checks/", views.checks, name="checks"),
    path("mismatches/", views.mismatches, name="mismatches"),
]
