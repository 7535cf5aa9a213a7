from django.urls import path

from . import views

app_name = "duties"
urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("mine/", views.mine, name="mine"),
    path("compliance/", views.compliance, name="compliance"),
    path("works/", views.work_list, name="work-list"),
    path("plans/new/", views.plan_edit, name="plan-new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan-edit"),
]
