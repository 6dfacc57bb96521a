from django.http import HttpRequest

from quartiers.core.menu import main_menu
from quartiers.core.site import site_identity


def site(request: HttpRequest) -> dict[str, object]:
    return {"main_menu": main_menu(request), "site": site_identity()}
