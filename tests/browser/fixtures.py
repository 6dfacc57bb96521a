"""Browser tests: Debian's Chromium (never downloaded by Playwright) on the live server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; the Django ORM calls made by the
# fixtures around it are still synchronous, so the async-safety guard is lifted for this folder.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium introuvable ({CHROMIUM}) : `make browser-deps` l’installe.")
        pytest.skip(f"Chromium absent ({CHROMIUM}) hors CI : lancer `make browser-deps`.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatch:
    """Console errors, page errors and requests that left the loopback, seen by one page."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.external_requests: list[str] = []

    @property
    def problems(self) -> list[str]:
        return self.console_errors + self.page_errors + self.external_requests


@contextmanager
def watched_page(browser, hosts: set[str]) -> Iterator[tuple[object, PageWatch]]:
    """A page that may reach `hosts` and nothing else (the app must work with no network:
    anything else is recorded and refused), with its console and page errors recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    watch = PageWatch()

    def _route(route):
        if urlsplit(route.request.url).hostname in hosts:
            route.continue_()
        else:
            watch.external_requests.append(f"requête externe : {route.request.url}")
            route.abort()

    page.route("**/*", _route)
    page.on(
        "console",
        lambda message: message.type == "error" and watch.console_errors.append(message.text),
    )
    page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
    try:
        yield page, watch
    finally:
        context.close()


@pytest.fixture
def browser_page(chromium_browser, live_server) -> Iterator[tuple[object, PageWatch]]:
    with watched_page(chromium_browser, {urlsplit(live_server.url).hostname}) as watched:
        yield watched
