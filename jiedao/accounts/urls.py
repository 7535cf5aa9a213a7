from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("password/", views.password_change, name="password-change"),
    path("second-factor/", views.second_factor_manage, name="second-factor"),
    path("sign-in/code/", views.second_factor_verify, name="second-factor-verify"),
]
