from django.urls import path

from . import views

app_name = "accountability"
urlpatterns = [
    path("", views.finding_table, name="finding-table"),
    path("<int:pk>/", views.finding_detail, name="finding-detail"),
    path("<int:pk>/decide/", views.finding_decision, name="finding-decide"),
]
