from django.urls import path

from . import views

app_name = "benchmarks"
urlpatterns = [
    path("", views.title_list, name="title-list"),
    path("<int:pk>/", views.gap_report_page, name="gap-report"),
    path("evidence/", views.evidence_list, name="evidence-list"),
    path("criteria/<int:pk>/evidence/", views.criterion_evidence, name="criterion-evidence"),
    path("submissions/<int:pk>/review/", views.submission_review, name="submission-review"),
    path("files/<int:pk>/<slug:size>/", views.evidence_file, name="evidence-file"),
]
