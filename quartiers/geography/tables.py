"""Export tables of the territory lists: French column headers and one row per object."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from quartiers.geography.models import EPCI, QPV, Arrondissement, Commune


def qpv_arrondissements(qpv: QPV) -> list[Arrondissement]:
    """Arrondissements of a QPV's communes (prefetched), in code order, without duplicates."""
    seen: dict[str, Arrondissement] = {}
    for commune in qpv.communes.all():
        if commune.arrondissement is not None:
            seen.setdefault(commune.arrondissement.insee_code, commune.arrondissement)
    return [seen[code] for code in sorted(seen)]


QPV_COLUMNS = [
    "Code QPV",
    "Nom",
    "Géographie",
    "Communes",
    "Codes INSEE des communes",
    "EPCI",
    "SIREN des EPCI",
    "Arrondissements",
    "Département",
    "Population",
    "Source de la population",
    "Millésime de la population",
    "Statut NPNRU",
    "Statut NPNRU estimé (à vérifier)",
    "Motif de l'estimation",
    "Contour réparé à l'import",
]


def qpv_rows(qpvs: Iterable[QPV]) -> Iterator[list[object]]:
    for qpv in qpvs:
        communes = list(qpv.communes.all())
        epcis = sorted(qpv.epcis.all(), key=lambda e: e.name.casefold())
        yield [
            qpv.code,
            qpv.name,
            qpv.generation,
            [c.name for c in communes],
            [c.insee_code for c in communes] or qpv.commune_codes,
            [e.name for e in epcis],
            [e.siren for e in epcis] or qpv.epci_sirens,
            [a.name for a in qpv_arrondissements(qpv)],
            qpv.departement.name if qpv.departement else qpv.departement_code,
            qpv.population,
            qpv.population_source,
            qpv.population_vintage,
            qpv.get_npnru_status_display(),
            qpv.get_npnru_estimate_display() if qpv.npnru_estimate else "",
            qpv.npnru_estimate_note,
            qpv.contour_repaired,
        ]


COMMUNE_COLUMNS = [
    "Code INSEE",
    "Nom",
    "Codes postaux",
    "EPCI",
    "SIREN de l'EPCI",
    "Arrondissement",
    "Population municipale",
    "Millésime de la population",
    "Nombre de QPV",
    "Population en QPV",
]


def commune_rows(communes: Iterable[Commune]) -> Iterator[list[object]]:
    for commune in communes:
        yield [
            commune.insee_code,
            commune.name,
            commune.postcodes,
            commune.epci.name if commune.epci else "",
            commune.epci.siren if commune.epci else "",
            commune.arrondissement.name if commune.arrondissement else "",
            commune.population,
            commune.population_vintage,
            getattr(commune, "qpv_count", None),
            getattr(commune, "qpv_population", None),
        ]


EPCI_COLUMNS = [
    "SIREN",
    "Nom",
    "Nature",
    "Population municipale",
    "Millésime de la population",
    "Nombre de communes",
    "Nombre de QPV",
    "Population en QPV",
]


def epci_rows(epcis: Iterable[EPCI], qpv_population: dict[int, int]) -> Iterator[list[object]]:
    for epci in epcis:
        yield [
            epci.siren,
            epci.name,
            epci.get_kind_display(),
            epci.population,
            epci.population_vintage,
            getattr(epci, "commune_count", None),
            getattr(epci, "qpv_count", None),
            qpv_population.get(epci.pk),
        ]


def geojson_properties(columns: list[str], row: list[object]) -> dict[str, object]:
    """GeoJSON properties keyed by the French headers, lists kept as JSON arrays."""
    return dict(zip(columns, row, strict=True))
