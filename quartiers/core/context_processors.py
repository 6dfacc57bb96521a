from django.http import HttpRequest

from quartiers.core.menu import main_menu


def site(request: HttpRequest) -> dict[str, object]:
    return {"main_menu": main_menu(request)}
