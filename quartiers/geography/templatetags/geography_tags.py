"""Template helpers of the geography pages."""

from __future__ import annotations

import json

from django import template
from django.conf import settings

register = template.Library()


@register.filter
def to_json(value: object) -> str:
    """JSON text for a `data-` attribute (autoescaping then escapes the quotes)."""
    return json.dumps(value, ensure_ascii=False)


@register.filter
def generation_query(generation: int | None) -> str:
    """`?generation=…` when the generation is not the default one, else nothing."""
    if generation in (None, "", settings.QPV_GENERATION):
        return ""
    return f"?generation={generation}"
