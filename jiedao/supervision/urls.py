from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.notification_list, name="notification-list"),
    path("<int:notification_id>/read/", views.notification_read, name="notification-read"),
    path("read-all/", views.notifications_read_all, name="notification-read-all"),
]
