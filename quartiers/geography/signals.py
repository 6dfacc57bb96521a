"""Signals of the geography registry.

`geography_changed` is sent (after commit) when an import has changed the QPV of a generation,
with ``generation=<int>``. Receivers only invalidate caches (the georef spatial index); no
business logic lives in receivers.
"""

from __future__ import annotations

import django.dispatch

geography_changed = django.dispatch.Signal()
