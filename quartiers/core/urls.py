from django.urls import path

from quartiers.core import legal, views
from quartiers.core.oidc import views as oidc_views

urlpatterns = [
    path("", views.home, name="home"),
    path("mentions-legales/", legal.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", legal.personal_data, name="personal_data"),
    path("accessibilite/", legal.accessibility, name="accessibility"),
    path("plan-du-site/", legal.site_map, name="site_map"),
    # The local form, with the ProConnect button when ProConnect is configured (docs/auth.md).
    path("connexion/", oidc_views.LoginView.as_view(), name="login"),
    path("connexion/proconnect/", oidc_views.proconnect_login, name="proconnect_login"),
    path(
        "connexion/proconnect/retour/",
        oidc_views.proconnect_callback,
        name="proconnect_callback",
    ),
    path("deconnexion/", oidc_views.logout, name="logout"),
    path(
        "deconnexion/proconnect/",
        oidc_views.proconnect_logout_done,
        name="proconnect_logout_done",
    ),
]
