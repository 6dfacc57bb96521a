"""Reference territories beside a QPV: why a value is missing, and the commune « hors QPV ».

Every comparison cell either shows a value (with source and vintage) or says « non
disponible » with the reason, never a bare dash. A value « hors QPV » is shown only where it is
valid: a count (commune minus every QPV of the commune, each lying wholly in it); a rate would
need its numerator and denominator on both sides, which no source here gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from quartiers.geography.models import QPV
from quartiers.indicators.aggregation import PeerValue
from quartiers.indicators.models import Indicator, IndicatorKind, IndicatorValue, TerritoryKind

POVERTY = "taux_pauvrete_60"
POPULATION = "population_municipale"
_POVERTY_LEVELS = (
    "Filosofi 2021 n'est disponible que par commune ; le taux d'un EPCI, du département ou de "
    "la France ne se reconstitue pas à partir des communes (secret statistique)"
)
_NO_SOURCE = (
    "la source de cet indicateur (SIG Ville) ne donne que les QPV ; aucune valeur de ce "
    "territoire n'est importée"
)


def reference_gap_reason(*, indicator: Indicator, kind: str) -> str:
    """Why `indicator` has no value for a territory of `kind` (French, for the pages)."""
    if indicator.code == POVERTY:
        if kind == TerritoryKind.COMMUNE:
            return (
                "commune absente de Filosofi 2021 (Guadeloupe, Guyane et Mayotte n'y figurent "
                "pas) ou données de référence non importées"
            )
        return _POVERTY_LEVELS
    if indicator.code == POPULATION:
        return "aucune population légale importée pour ce territoire"
    return _NO_SOURCE


@dataclass(frozen=True)
class Outside:
    label: str
    value: Decimal | None
    note: str  # how it was computed, or why it could not be


def commune_outside(
    *,
    indicator: Indicator,
    qpv: QPV,
    commune_values: dict[str, IndicatorValue],
    qpv_values: dict[str, PeerValue],
    qpvs_by_commune: dict[str, list[QPV]],
) -> list[Outside]:
    """« Commune hors QPV » for each commune of `qpv` (see the module docstring)."""
    result = []
    for commune in qpv.communes.all():
        label = f"Commune hors QPV : {commune.name}"
        if indicator.kind != IndicatorKind.COUNT or not indicator.additive:
            result.append(
                Outside(
                    label,
                    None,
                    "non disponible : seul un effectif se soustrait ; un taux ou un indice hors "
                    "QPV exige le numérateur et le dénominateur de la commune et des QPV, que "
                    "les sources ne donnent pas",
                )
            )
            continue
        total = commune_values.get(commune.insee_code)
        if total is None or total.value is None:
            result.append(Outside(label, None, "non disponible : pas de valeur pour la commune"))
            continue
        members = qpvs_by_commune.get(commune.insee_code, [])
        shared = [q.code for q in members if len(q.commune_codes) > 1]
        if shared:
            result.append(
                Outside(
                    label,
                    None,
                    f"non calculable : QPV à cheval sur plusieurs communes ({', '.join(shared)}), "
                    "dont la valeur n'est pas répartie par commune",
                )
            )
            continue
        parts = [qpv_values.get(q.code) for q in members]
        if any(p is None or p.value is None for p in parts):
            result.append(
                Outside(label, None, "non calculable : un QPV de la commune est sans valeur")
            )
            continue
        value = total.value - sum((p.value for p in parts if p), Decimal(0))
        result.append(
            Outside(
                label,
                value,
                f"commune ({total.period}) moins ses {len(parts)} QPV (millésime des QPV : "
                f"{parts[0].vintage if parts and parts[0] else '—'}) : ordre de grandeur",
            )
        )
    return result
