from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="campaign-list"),
    path("<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("<int:pk>/report/", views.campaign_report_page, name="campaign-report"),
    path("<int:pk>/report/download/", views.campaign_report_download, name="campaign-report-download"),
    path("<int:pk>/targets/", views.campaign_target, name="campaign-target"),
    path("<int:pk>/figures/", views.campaign_figure, name="campaign-figure"),
    path("figures/<int:figure_id>/photos/<int:photo_id>/<slug:size>/", views.figure_photo, name="figure-photo"),
    path("figures/<int:figure_id>/document/", views.figure_document, name="figure-document"),
]
