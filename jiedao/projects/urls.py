from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("overview/", views.project_overview, name="overview"),
    path("new/", views.project_create, name="project-create"),
    path("<int:pk>/", views.project_detail, name="project-detail"),
    path("<int:pk>/milestones/", views.milestone_create, name="milestone-create"),
    path("<int:pk>/milestones/finish/", views.milestone_finish, name="milestone-finish"),
    path("<int:pk>/spending/", views.spending_create, name="spending-create"),
    path("<int:pk>/reports/", views.report_create, name="report-create"),
    path("<int:pk>/stage/", views.stage_change, name="stage-change"),
    path("<int:pk>/cases/link/", views.case_link, name="case-link"),
    path("<int:pk>/cases/close/", views.case_close_into, name="case-close"),
    path("photos/<int:photo_id>/<str:size>/", views.progress_photo, name="photo"),
]
