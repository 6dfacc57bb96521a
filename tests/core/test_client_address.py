"""The client address of the throttles (quartiers/core/client_address.py): REMOTE_ADDR unless it
is a trusted proxy; then X-Forwarded-For read right to left, skipping trusted hops."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from quartiers.core.client_address import client_address


def _address(remote: str, forwarded: str | None = None) -> str:
    extra = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_without_trusted_proxies_the_header_is_never_read(settings):
    settings.TRUSTED_PROXIES = []
    assert _address("192.0.2.10", "203.0.113.5") == "192.0.2.10"


def test_behind_a_trusted_proxy_the_address_it_appended_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert _address("10.0.0.2", "203.0.113.5") == "203.0.113.5"
    # What the client wrote itself, left of what the proxy appended, is ignored.
    assert _address("10.0.0.2", "198.51.100.1, 203.0.113.5") == "203.0.113.5"


def test_trusted_hops_are_skipped_right_to_left(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2", "172.16.0.0/12", "2001:db8::/32"]
    assert _address("10.0.0.2", "198.51.100.1, 203.0.113.5, 172.16.4.4") == "203.0.113.5"
    assert _address("2001:db8::1", "2001:db8::7, 203.0.113.9") == "203.0.113.9"
    assert _address("10.0.0.2", "[2001:db9::5]:4711, 172.16.4.4") == "2001:db9::5"


def test_an_untrusted_remote_address_is_the_client_whatever_its_header(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert _address("192.0.2.10", "10.0.0.3") == "192.0.2.10"


def test_garbage_in_the_header_stops_the_walk_at_the_last_trusted_hop(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert _address("10.0.0.2", "pas-une-adresse, 10.0.0.7") == "10.0.0.7"
    assert _address("10.0.0.2", "") == "10.0.0.2"


def test_a_bad_trusted_proxy_setting_is_refused_in_french(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "proxy.local"]
    with pytest.raises(ImproperlyConfigured, match=r"« proxy\.local » n'est ni une adresse IP"):
        _address("10.0.0.2", "203.0.113.5")
