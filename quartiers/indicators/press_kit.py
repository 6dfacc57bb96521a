"""Figures published in the Préfet du Nord press kit, kept as data with their source.

Only the figures that survive in the text of the press kit are here: its table comparing QPV
with the rest of the département was an image and is lost in the text version
(/work/shared/seeds, see README there), so no poverty or unemployment rate from it is quoted.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from quartiers.shared.codes import NORD

# The press kit speaks of the Nord only: its figures are never set beside another département's.
PRESS_KIT_DEPARTEMENT = NORD

PRESS_KIT_SOURCE = "Préfet du Nord, dossier de presse « Engagements Quartiers 2030 », mars 2024"
COMPAS_NOTE = (
    "chiffres de l'étude COMPAS de juin 2023, « sur la base de l'ancienne géographie 2014 » "
    "(QPV de 2015, avant l'actualisation du 1er janvier 2024)"
)


@dataclass(frozen=True)
class PublishedFigure:
    key: str
    label: str
    value: Decimal
    unit: str
    source: str
    note: str = ""


PRESS_KIT_FIGURES: list[PublishedFigure] = [
    PublishedFigure(
        key="qpv_population",
        label="Habitants des QPV",
        value=Decimal(398_500),
        unit="habitants",
        source=PRESS_KIT_SOURCE,
        note=COMPAS_NOTE,
    ),
    PublishedFigure(
        key="qpv_population_share",
        label="Part des habitants du département vivant en QPV",
        value=Decimal(14),
        unit="%",
        source=PRESS_KIT_SOURCE,
        note=COMPAS_NOTE,
    ),
    PublishedFigure(
        key="qpv_count",
        label="Quartiers prioritaires",
        value=Decimal(94),
        unit="QPV",
        source=PRESS_KIT_SOURCE,
        note="géographie 2024",
    ),
    PublishedFigure(
        key="commune_count",
        label="Communes comptant un QPV",
        value=Decimal(75),
        unit="communes",
        source=PRESS_KIT_SOURCE,
        note="géographie 2024",
    ),
    PublishedFigure(
        key="contract_count",
        label="Contrats de ville",
        value=Decimal(13),
        unit="contrats",
        source=PRESS_KIT_SOURCE,
    ),
]


def press_kit_figure(key: str, *, departement: str = NORD) -> PublishedFigure | None:
    """The press kit's figure `key`, for the Nord only (None for any other département)."""
    if departement != PRESS_KIT_DEPARTEMENT:
        return None
    return next((f for f in PRESS_KIT_FIGURES if f.key == key), None)
