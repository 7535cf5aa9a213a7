from django.urls import path

from . import views

app_name = "checklists"
urlpatterns = [
    path("", views.checklist_list, name="checklist-list"),
    path("new/", views.checklist_new, name="checklist-new"),
    path("<slug:code>/", views.checklist_detail, name="checklist-detail"),
    path("<slug:code>/revise/", views.checklist_revise_view, name="checklist-revise"),
    path("<slug:code>/v<int:number>/", views.version_detail, name="version-detail"),
    path("<slug:code>/v<int:number>/export.xlsx", views.version_export, name="version-export"),
    path("<slug:code>/v<int:number>/import/", views.version_import, name="version-import"),
    path("<slug:code>/v<int:number>/publish/", views.version_publish_view, name="version-publish"),
]
