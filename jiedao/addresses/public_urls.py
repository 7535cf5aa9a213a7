"""The residents' address search, mounted under the portal's /p/ (no sign-in)."""

from django.urls import path

from . import views

app_name = "addresses-public"
urlpatterns = [
    path("search.json", views.public_search_json, name="search"),
]
