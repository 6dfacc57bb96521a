"""The cache key of an address: the same address written differently gets the same key."""

from __future__ import annotations

import re
import unicodedata

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def address_normalize(*, text: str, postcode: str = "", citycode: str = "") -> str:
    """Lower case, accents stripped, punctuation and whitespace collapsed to one space; the
    postcode and INSEE code filters are kept (they change the answer), after a ``|``.

    "12, Rue de l'Église  59000 LILLE" → "12 rue de l eglise 59000 lille||"
    """
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = folded.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    words = _NOT_ALNUM.sub(" ", folded).split()
    return f"{' '.join(words)}|{postcode.strip()}|{citycode.strip().upper()}"
