"""French place names with their article, as Insee writes them (COG « type de nom en clair »).

The COG gives each département a name and a TNCC (``typeLiaison`` in the decoupage-administratif
JSON) that says which article goes with it: « du Nord », « des Bouches-du-Rhône », « de
l'Ain », « de la Corse-du-Sud », « de La Réunion » (type 0: the article is part of the name).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# The national COG 2024 list of départements in the data folder (PROVENANCE.md, A1).
COG_DEPARTEMENTS = (
    Path("referentiel")
    / "france_cog2024"
    / "decoupage-administratif-4.1.0_verbatim"
    / "departements.json"
)

# TNCC → (article, « de » + article). Insee, COG documentation « Type de nom en clair ».
_ARTICLES: dict[int, tuple[str, str]] = {
    0: ("", "de "),  # no article, consonant (or the article is in the name: « La Réunion »)
    1: ("", "d'"),  # no article, vowel or mute h
    2: ("le ", "du "),
    3: ("la ", "de la "),
    4: ("les ", "des "),
    5: ("l'", "de l'"),
    6: ("aux ", "des "),
    7: ("las ", "de las "),
    8: ("los ", "de los "),
}


@dataclass(frozen=True)
class PlaceName:
    name: str  # « Nord », « La Réunion »
    name_type: int  # Insee TNCC, 0–8

    def __post_init__(self) -> None:
        if self.name_type not in _ARTICLES:
            raise ValueError(f"Type de nom en clair (TNCC) inconnu : {self.name_type!r} (0 à 8).")

    @property
    def with_article(self) -> str:
        """« le Nord », « les Bouches-du-Rhône », « La Réunion »."""
        return _ARTICLES[self.name_type][0] + self.name

    @property
    def of(self) -> str:
        """« du Nord », « des Bouches-du-Rhône », « de l'Ain », « de La Réunion »."""
        return _ARTICLES[self.name_type][1] + self.name


@cache
def _departements_read(path: Path) -> dict[str, PlaceName]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    return {
        str(row["code"]): PlaceName(str(row["nom"]), int(row.get("typeLiaison") or 0))
        for row in rows
    }


def departement_place_name(*, data_dir: Path, code: str) -> PlaceName | None:
    """The département's COG name and article, or None when the file or the code is missing."""
    path = Path(data_dir) / COG_DEPARTEMENTS
    if not path.is_file():
        return None
    return _departements_read(path).get(code)
