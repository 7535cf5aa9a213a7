from django.urls import path

from . import views

app_name = "addresses"
urlpatterns = [
    path("", views.register, name="register"),
    path("search.json", views.search_json, name="search"),
    path("import/", views.register_import, name="import"),
    path("house-numbers/", views.house_number_save, name="house-number-save"),
    path("export.<slug:fmt>", views.register_export, name="export"),
]

