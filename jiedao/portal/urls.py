from django.urls import path

from . import feeds, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("report/", views.report, name="report"),
    path("report/nearby/", views.nearby, name="nearby"),
    path("catalogue/search/", views.catalogue_search, name="catalogue-search"),
    path("t/", views.track_lookup, name="track-lookup"),
    path("t/<str:code>/", views.track, name="track"),
    path("t/<str:code>/update/", views.track_update, name="track-update"),
    path("t/<str:code>/rate/", views.track_rate, name="track-rate"),
    path("c/<str:code>/", views.public_case, name="case"),
    path("photos/<int:photo_id>/<slug:size>/", views.photo, name="photo"),
    path("map/", views.public_map, name="map"),
    path("map/data.json", views.public_map_data, name="map-data"),
    path("areas/", views.areas, name="areas"),
    path("follow/", views.follow, name="follow"),
    path("follow/confirm/<str:token>/", views.follow_confirm, name="follow-confirm"),
    path("follow/unsubscribe/<str:token>/", views.follow_unsubscribe, name="follow-unsubscribe"),
    path("feeds/area/<str:code>/atom/", feeds.AreaAtomFeed(), name="feed-area-atom"),
    path("feeds/area/<str:code>/rss/", feeds.AreaFeed(), name="feed-area-rss"),
]
