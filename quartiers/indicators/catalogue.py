"""The indicator catalogue seed and the column mapping of the SIG Ville-style file.

Facts about the data (labels, units, denominators, which columns map to which indicator) live
here as data, never as model fields. `catalogue_sync` writes them to the database; the
catalogue can then be edited in the admin or extended through a catalogue CSV
(see docs/indicators.md).

The SIG Ville compilation documents neither the vintage nor the exact definitions (see
PROVENANCE.md §2): definitions below are the usual SIG Ville / Insee ones and say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from quartiers.indicators.models import (
    VINTAGE_UNDOCUMENTED,
    BetterDirection,
    Indicator,
    IndicatorKind,
)

SIGVILLE_SOURCE = "SIG Ville (ANCT) — compilation tierce"
SIGVILLE_NOTE = (
    "Compilation tierce du SIG Ville (ANCT), elle-même fondée sur des données Insee, CNAF et "
    "RPLS ; millésime non documenté dans la source."
)
QPV_LEVELS = ["qpv"]


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    label: str
    kind: str
    unit: str
    theme: str
    definition: str
    short_label: str = ""
    source: str = SIGVILLE_SOURCE
    vintage: str = VINTAGE_UNDOCUMENTED
    geography_levels: list[str] = field(default_factory=lambda: list(QPV_LEVELS))
    numerator: str = ""
    denominator: str = ""
    denominator_label: str = ""
    scale: Decimal = Decimal(1)
    additive: bool = False
    better: str = BetterDirection.NEUTRAL
    core_set: bool = False
    notes: str = ""


def _share(
    code: str, label: str, theme: str, denominator: str, denominator_label: str, **extra: object
) -> IndicatorSpec:
    return IndicatorSpec(
        code=code,
        label=label,
        kind=IndicatorKind.RATE,
        unit="%",
        theme=theme,
        definition=extra.pop("definition", f"{label}, en pourcentage."),  # type: ignore[arg-type]
        denominator=denominator,
        denominator_label=denominator_label,
        scale=Decimal(100),
        **extra,  # type: ignore[arg-type]
    )


_POP = "Population"
_MEN = "Ménages et logement"
_RES = "Revenus et prestations"
_EMP = "Emploi"

CATALOGUE: list[IndicatorSpec] = [
    IndicatorSpec(
        code="population_municipale",
        label="Population municipale du quartier",
        short_label="Population",
        kind=IndicatorKind.COUNT,
        unit="habitants",
        theme=_POP,
        definition="Nombre d'habitants du QPV (population municipale, au sens de l'Insee).",
        additive=True,
        core_set=True,
        geography_levels=["qpv", "commune", "epci", "departement", "france"],
    ),
    IndicatorSpec(
        code="indice_jeunesse",
        label="Indice de jeunesse",
        kind=IndicatorKind.INDEX,
        unit="indice",
        theme=_POP,
        core_set=True,
        denominator_label="population de 60 ans ou plus",
        definition="Rapport de la population de moins de 20 ans à celle de 60 ans ou plus.",
        notes="Les deux effectifs ne sont pas publiés : l'indice ne peut pas être agrégé.",
    ),
    _share(
        "part_population_etrangere",
        "Part de la population étrangère",
        _POP,
        "population_municipale",
        "population du quartier",
        notes="Pondération par la population municipale du QPV : approximation, le "
        "dénominateur exact est la population du recensement.",
    ),
    _share(
        "part_population_immigree",
        "Part de la population immigrée",
        _POP,
        "population_municipale",
        "population du quartier",
        notes="Pondération par la population municipale du QPV : approximation, le "
        "dénominateur exact est la population du recensement.",
    ),
    _share(
        "part_menages_immigres",
        "Part des ménages immigrés",
        _MEN,
        "nombre_menages",
        "ménages du quartier",
    ),
    _share(
        "part_menages_etrangers",
        "Part des ménages étrangers",
        _MEN,
        "nombre_menages",
        "ménages du quartier",
    ),
    _share(
        "part_menages_1_personne",
        "Part des ménages d'une personne",
        _MEN,
        "nombre_menages",
        "ménages du quartier",
    ),
    _share(
        "part_menages_2_personnes",
        "Part des ménages de deux personnes",
        _MEN,
        "nombre_menages",
        "ménages du quartier",
    ),
    _share(
        "part_menages_3_personnes",
        "Part des ménages de trois personnes",
        _MEN,
        "nombre_menages",
        "ménages du quartier",
    ),
    _share(
        "part_menages_4_5_personnes",
        "Part des ménages de quatre ou cinq personnes",
        _MEN,
        "nombre_menages",
        "ménages du quartier",
    ),
    _share(
        "part_menages_6_personnes_plus",
        "Part des ménages de six personnes ou plus",
        _MEN,
        "nombre_menages",
        "ménages du quartier",
    ),
    IndicatorSpec(
        code="nombre_menages",
        label="Nombre de ménages",
        short_label="Ménages",
        kind=IndicatorKind.COUNT,
        unit="ménages",
        theme=_MEN,
        additive=True,
        core_set=True,
        definition="Nombre de ménages résidant dans le quartier (estimation, valeur décimale "
        "dans la source).",
    ),
    IndicatorSpec(
        code="nombre_logements_sociaux",
        label="Nombre de logements sociaux",
        short_label="Logements sociaux",
        kind=IndicatorKind.COUNT,
        unit="logements",
        theme=_MEN,
        additive=True,
        definition="Nombre de logements locatifs sociaux (RPLS).",
    ),
    _share(
        "taux_logements_sociaux",
        "Taux de logements sociaux",
        _MEN,
        "nombre_menages",
        "ménages du quartier",
        numerator="nombre_logements_sociaux",
        core_set=True,
        definition="Nombre de logements sociaux rapporté au nombre de ménages, × 100. "
        "Ce rapport peut dépasser 100 : les logements sociaux (RPLS, y compris "
        "vacants) et les ménages ne sont pas comptés sur la même base.",
        notes="Recalculé pour un ensemble de QPV : Σ logements sociaux / Σ ménages × 100.",
    ),
    _share(
        "taux_emploi",
        "Taux d'emploi",
        _EMP,
        "",
        "population de 15 à 64 ans",
        better=BetterDirection.UP,
        core_set=True,
        definition="Part des personnes de 15 à 64 ans ayant un emploi.",
        notes="Ce n'est pas un taux de chômage : le fichier n'en contient pas.",
    ),
    _share(
        "taux_pauvrete_60",
        "Taux de pauvreté au seuil de 60 %",
        _RES,
        "",
        "population des ménages fiscaux, Filosofi",
        better=BetterDirection.DOWN,
        core_set=True,
        definition="Part des personnes vivant sous le seuil de pauvreté (60 % du revenu "
        "disponible médian par unité de consommation).",
        geography_levels=["qpv", "commune"],
        notes="Communes : Insee, Filosofi 2021 (base communale), « s » = secret statistique.",
    ),
    IndicatorSpec(
        code="personnes_couvertes_caf",
        label="Personnes couvertes par la CAF",
        short_label="Personnes couvertes CAF",
        kind=IndicatorKind.COUNT,
        unit="personnes",
        theme=_RES,
        additive=True,
        definition="Allocataires, conjoints, enfants et autres personnes à charge couverts "
        "par au moins une prestation CAF.",
    ),
    IndicatorSpec(
        code="allocataires_caf",
        label="Allocataires CAF",
        kind=IndicatorKind.COUNT,
        unit="allocataires",
        theme=_RES,
        additive=True,
        core_set=True,
        definition="Nombre d'allocataires d'au moins une prestation CAF.",
    ),
    IndicatorSpec(
        code="rsa_socle",
        label="Allocataires du RSA socle",
        short_label="RSA socle",
        kind=IndicatorKind.COUNT,
        unit="allocataires",
        theme=_RES,
        additive=True,
        better=BetterDirection.DOWN,
        core_set=True,
        definition="Nombre d'allocataires percevant le RSA socle.",
    ),
]

# Column of the SIG Ville-style file → indicator code. Read as data: a file with other
# columns needs only a new mapping here, not a new model field.
SIGVILLE_COLUMNS: dict[str, str] = {
    "popMuniQPV": "population_municipale",
    "indiceJeunesse": "indice_jeunesse",
    "partPopEt": "part_population_etrangere",
    "partPopImmi": "part_population_immigree",
    "partMenImmi": "part_menages_immigres",
    "partMenEt": "part_menages_etrangers",
    "partMen1p": "part_menages_1_personne",
    "partMen2p": "part_menages_2_personnes",
    "partMen3p": "part_menages_3_personnes",
    "partMen45p": "part_menages_4_5_personnes",
    "partMen6pp": "part_menages_6_personnes_plus",
    "nombre_menages": "nombre_menages",
    "nombre_logements_sociaux": "nombre_logements_sociaux",
    "taux_logements_sociaux": "taux_logements_sociaux",
    "taux_d_emploi": "taux_emploi",
    "taux_pauvrete_60%": "taux_pauvrete_60",
    "personnes_couvertes_CAF": "personnes_couvertes_caf",
    "allocataires_CAF": "allocataires_caf",
    "RSA_socle": "rsa_socle",
}
# Identity columns of that file (territory, labels), never indicators.
SIGVILLE_KEY_COLUMNS = ("COG", "lib_com", "codeQPV", "lib_qp", "insee_dep", "lib_dep")


_FIELDS = (
    "label",
    "short_label",
    "definition",
    "unit",
    "theme",
    "source",
    "vintage",
    "geography_levels",
    "kind",
    "denominator_label",
    "scale",
    "additive",
    "better",
    "core_set",
    "notes",
)


def catalogue_sync(*, specs: list[IndicatorSpec] | None = None) -> dict[str, Indicator]:
    """Create the seeded indicators that are missing; never overwrite admin edits."""
    specs = CATALOGUE if specs is None else specs
    with transaction.atomic():
        existing = {i.code: i for i in Indicator.objects.all()}
        for position, spec in enumerate(specs, start=1):
            if spec.code not in existing:
                values = {name: getattr(spec, name) for name in _FIELDS}
                existing[spec.code] = Indicator.objects.create(
                    code=spec.code, position=position, **values
                )
        for spec in specs:
            indicator = existing[spec.code]
            links = {"numerator": spec.numerator, "denominator": spec.denominator}
            dirty = False
            for name, code in links.items():
                if code and getattr(indicator, f"{name}_id") is None:
                    setattr(indicator, name, existing[code])
                    dirty = True
            if dirty:
                indicator.save(update_fields=["numerator", "denominator"])
    return existing
