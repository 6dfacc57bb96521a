"""How an audit trail value reads for a person: oui/non, dates in French, lists joined."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django import template
from django.utils import formats

register = template.Library()
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@register.filter
def audit_text(value: Any) -> str:
    if value is None:
        return "—"
    if value is True:
        return "oui"
    if value is False:
        return "non"
    if isinstance(value, list | tuple):
        return ", ".join(audit_text(v) for v in value) or "(aucun)"
    text = str(value)
    if ISO_DATE.match(text):
        return formats.date_format(date.fromisoformat(text), "j F Y")
    if ISO_DATETIME.match(text):
        return formats.date_format(datetime.fromisoformat(text), "j F Y à H:i")
    return text or "(vide)"
