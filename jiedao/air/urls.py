from django.urls import path

from . import views

app_name = "air"
urlpatterns = [
    path("", views.source_list, name="source-list"),
    path("overview/", views.overview, name="overview"),
    path("overview/records/", views.records, name="records"),
    path("sources/<int:source_id>/", views.source_detail, name="source-detail"),
    path("readings/new/", views.reading_new, name="reading-new"),
    path("sources/<int:source_id>/checks/new/", views.check_new, name="check-new"),
]
