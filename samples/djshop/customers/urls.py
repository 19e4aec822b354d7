from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("sign-up/", views.sign_up, name="sign-up"),
    path("", views.ProfileView.as_view(), name="profile"),
    path("addresses/new/", views.add_address, name="add-address"),
]
