from django.contrib.auth import views as auth_views
from django.urls import path

from jiedao.accounts.views import SignInView

from . import leader, photo_publishing, views

app_name = "web"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("cases/export.xlsx", views.inbox_export, name="inbox-export"),
    # Lockouts (django-axes) and the second factor: jiedao/accounts.
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("cases/new/", views.case_new, name="case-new"),
    path("cases/<str:number>/", views.case_detail, name="case-detail"),
    path("cases/<str:number>/contact/", views.case_contact, name="case-contact"),
    path("cases/<str:number>/act/<slug:action>/", views.case_act, name="case-act"),
    path("cases/<str:number>/photos/<int:photo_id>/<slug:size>/", views.case_photo, name="case-photo"),
    path("cases/<str:number>/photos/<int:photo_id>/publish", photo_publishing.case_photo_publish,
         name="case-photo-publish"),
    path("catalogue/search/", views.catalogue_search, name="catalogue-search"),
    path("org/", views.org_tree, name="org-tree"),
    path("dashboard/", leader.dashboard, name="dashboard"),
    path("evaluation/", leader.evaluation, name="evaluation"),
    path("rankings/", leader.rankings, name="rankings"),
    path("public/rankings/", leader.public_rankings, name="public-rankings"),
    path("evaluation/cases/", leader.evaluation_cases, name="evaluation-cases"),
    path("evaluation/definitions/", leader.figure_definitions, name="figure-definitions"),
    path("bulletin/", leader.bulletin, name="bulletin"),
    path("themes/", leader.themes, name="themes"),
]
