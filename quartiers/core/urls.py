from django.contrib.auth import views as auth_views
from django.urls import path

from quartiers.core import views
from quartiers.core.login_throttle import ThrottledAuthenticationForm

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "connexion/",
        auth_views.LoginView.as_view(
            template_name="core/login.html", authentication_form=ThrottledAuthenticationForm
        ),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
]
