"""Rendered public pages kept for anonymous visitors (issue 7: load targets).

The home page, the map, the QPV list and pages, the « chiffres clés » and the contract list are
the same for every anonymous visitor and change only when data changes. `public_page` keeps
their rendered body per URL, keyed on a **data version**:

- the version is a random token in the "page_versions" cache, which every gunicorn worker and
  every management command share (files under CACHE_DIR, or Redis when REDIS_URL is set);
- `data_changed()` replaces it: the receivers connected by `signals_connect()` call it on
  post_save / post_delete / m2m_changed of the models that public pages show (and of ImportRun,
  which every import writes: imports use bulk writes that send no model signal), and on
  `geography_changed`; code that writes with QuerySet.update() calls it itself;
- it is replaced at once and again when the transaction commits: a page rendered meanwhile by
  another worker from the data not yet committed is keyed on a version nobody reads any more;
- bodies live in each worker's memory ("pages" cache, PAGE_CACHE_SECONDS at most: a bound for
  writes made outside the application, e.g. in psql).

Never served from or put in the cache: logged-in users (their name, their menu, CSRF tokens),
a request with messages waiting to be shown, anything but a GET answered 200, a response that
sets a cookie or used the CSRF token, a query string with parameters the page does not declare.
The Content-Security-Policy nonce of the response that filled the cache is replaced by a
placeholder in the stored body; each response served from the cache gets its own nonce, the
one its CSP header carries (quartiers/core/security.py).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

HEADER = "X-Page-Cache"
VERSION_KEY = "public-pages:version"
# Never produced by a template; stands for the CSP nonce in a stored body.
NONCE_PLACEHOLDER = b"\x00csp-nonce\x00"
MAX_QUERY_LENGTH = 256
# Apps whose data the public pages show: a change in any of their models renews the version;
# and accounts, whose names public pages may show (not their last-login stamps). Grants and
# georeferencing jobs are never shown publicly.
# Filled by `pagecache_watch`, called by each app whose data public pages show (its ready()).
WATCHED_APPS: set[str] = set()
WATCHED_MODELS: set[str] = {"core.User"}

_local = threading.local()


def _seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 600))


# --- the data version ------------------------------------------------------------------------


def version_renew() -> None:
    """A new data version: every stored page is stale from now on."""
    _local.stored = False
    try:
        caches["page_versions"].set(VERSION_KEY, secrets.token_hex(8), timeout=None)
    except Exception:  # the cache must never make a write fail
        logger.exception("Version des pages publiques non renouvelée")


def version_current() -> str:
    store = caches["page_versions"]
    token = store.get(VERSION_KEY)
    if token is None:  # first use, or the store was emptied: never reuse an old token
        store.add(VERSION_KEY, secrets.token_hex(8), timeout=None)
        token = store.get(VERSION_KEY)
    return str(token)


def version_stored() -> None:
    """Something was just stored under the current version (a page, the report's PDF): a
    change later in this thread's transaction must renew the version again."""
    _local.stored = True


def data_changed(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Data shown by public pages changed (or is about to, in the current transaction)."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        version_renew()
        return
    pending = any(func is version_renew for _sids, func, _robust in connection.run_on_commit)
    if not pending:
        transaction.on_commit(version_renew, using=using)
    # Renewed once per transaction, and again only when this thread has stored a page since
    # (it sees its own uncommitted writes: tests, a command rendering pages): a loop of saves
    # costs one write to the shared store, not one per row.
    if not pending or getattr(_local, "stored", False):
        version_renew()


# --- receivers -------------------------------------------------------------------------------


def _saved(sender: Any, *, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a login stamp is shown nowhere public
    data_changed(using=using)


def _deleted(sender: Any, *, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    data_changed(using=using)


def _m2m_changed(sender: Any, *, instance: Any, action: str, using: str, **kwargs: Any) -> None:
    if action.startswith("post_") and (
        instance._meta.app_label in WATCHED_APPS or instance._meta.label in WATCHED_MODELS
    ):
        data_changed(using=using)


def data_changed_receiver(sender: Any, **kwargs: Any) -> None:
    """For an app's own signals (e.g. the geography's `geography_changed`)."""
    data_changed()


def _connect(models: Any) -> None:
    from django.db.models.signals import post_delete, post_save

    for model in models:
        if model._meta.auto_created:
            continue
        uid = f"pagecache:{model._meta.label_lower}"
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)


def pagecache_watch(*, app_label: str) -> None:
    """Any change of a model of `app_label` makes a new page-cache version (AppConfig.ready of
    each app whose data public pages show). Through tables of many-to-many fields are left to
    m2m_changed: a receiver on them would turn their bulk deletes into row-by-row ones."""
    from django.apps import apps

    WATCHED_APPS.add(app_label)
    _connect(apps.get_app_config(app_label).get_models())


def signals_connect() -> None:
    """Connect the receivers of core itself (CoreConfig.ready)."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed

    _connect(apps.get_model(label) for label in WATCHED_MODELS)
    m2m_changed.connect(_m2m_changed, dispatch_uid="pagecache:m2m")


# --- the decorator ---------------------------------------------------------------------------


def _messages_waiting(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _page_key(request: HttpRequest, params: frozenset[str]) -> str | None:
    """The cache key of this request's page, or None when it must not be cached."""
    if _seconds() <= 0 or request.method != "GET":
        return None
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated or _messages_waiting(request):
        return None
    query = request.META.get("QUERY_STRING", "")
    if len(query) > MAX_QUERY_LENGTH or not set(request.GET) <= params:
        return None
    try:
        version = version_current()
    except Exception:  # no shared store: serve the page uncached
        logger.exception("Version des pages publiques illisible")
        return None
    raw = "|".join(
        (
            version,
            timezone.localdate().isoformat(),  # « aujourd'hui », late milestones…
            request.scheme,
            request.get_host(),
            request.path,
            query,
        )
    )
    return "public-page:" + hashlib.sha256(raw.encode()).hexdigest()


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not _messages_waiting(request)
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _store(request: HttpRequest, response: HttpResponse, key: str) -> None:
    body = response.content
    nonce = getattr(request, "csp_nonce", None)
    has_nonce = False
    if nonce is not None:
        value = str(nonce).encode()
        has_nonce = value in body
        body = body.replace(value, NONCE_PLACEHOLDER)
    caches["pages"].set(key, (response["Content-Type"], body, has_nonce), timeout=_seconds())
    version_stored()


def _served(request: HttpRequest, stored: tuple[str, bytes, bool]) -> HttpResponse:
    content_type, body, has_nonce = stored
    if has_nonce:
        body = body.replace(NONCE_PLACEHOLDER, str(request.csp_nonce).encode())
    return HttpResponse(body, content_type=content_type)


def public_page(
    *, params: tuple[str, ...] = ()
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve a public page from the cache to anonymous visitors. `params`: the query-string
    parameters the page reads (`generation` always); a request with another one is rendered
    and not stored."""
    allowed = frozenset(("generation", *params))

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            key = _page_key(request, allowed)
            if key is None:
                return view(request, *args, **kwargs)
            stored = caches["pages"].get(key)
            if stored is not None:
                response = _served(request, stored)
                response[HEADER] = "HIT"
                return response
            response = view(request, *args, **kwargs)
            if _storable(request, response):
                _store(request, response, key)
                response[HEADER] = "MISS"
            return response

        return wrapper

    return decorator
