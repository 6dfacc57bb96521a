"""CSV export of an indicator's table (`;`, UTF-8 with BOM, decimal comma: Excel in French)."""

from __future__ import annotations

import csv
import io

from quartiers.indicators.models import SECRET_LABEL, Indicator
from quartiers.indicators.selectors import QpvValueRow

HEADER = [
    "rang",
    "code_qpv",
    "nom_qpv",
    "communes",
    "valeur",
    "unité",
    "secret_statistique",
    "source",
    "millésime",
    "période",
]


def indicator_table_csv(*, indicator: Indicator, rows: list[QpvValueRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        if row.suppressed:
            value = SECRET_LABEL
        elif row.value is None:
            value = ""
        else:
            value = f"{row.value.normalize():f}".replace(".", ",")
        writer.writerow(
            [
                row.rank or "",
                row.code,
                row.name,
                row.communes,
                value,
                indicator.unit,
                "oui" if row.suppressed else "non",
                row.source,
                row.vintage,
                row.period,
            ]
        )
    return "\ufeff" + buffer.getvalue()


SCORECARD_HEADER = [
    "code_indicateur",
    "indicateur",
    "territoire",
    "code",
    "nom",
    "valeur",
    "unité",
    "secret_statistique",
    "rang_parmi_les_qpv_du_département",
    "rattachement",
    "évolution",
    "remarque",
    "source",
    "millésime",
    "période",
]


def _decimal(value) -> str:
    return "" if value is None else f"{value.normalize():f}".replace(".", ",")


def scorecard_csv(*, scorecard) -> str:
    """The contract scorecard: one line for the contract's figure, then one per QPV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(SCORECARD_HEADER)
    contract = scorecard.contract
    for row in scorecard.rows:
        indicator, agg = row.indicator, row.aggregate
        evolution = row.evolution.absolute if row.evolution else None
        writer.writerow(
            [
                indicator.code,
                indicator.label,
                "contrat",
                contract.code,
                contract.name,
                _decimal(agg.value),
                indicator.unit,
                "non",
                "",
                "",
                _decimal(evolution),
                " ; ".join(
                    part
                    for part in (
                        "valeur minimale" if agg.lower_bound else "",
                        agg.note if agg.value is not None else agg.reason,
                        row.evolution_note,
                    )
                    if part
                ),
                ", ".join(agg.sources),
                ", ".join(agg.vintages),
                agg.period or "",
            ]
        )
        for item in row.qpvs:
            qpv = item.row
            evolution = item.evolution.absolute if item.evolution else None
            writer.writerow(
                [
                    indicator.code,
                    indicator.label,
                    "qpv",
                    qpv.code,
                    qpv.name,
                    SECRET_LABEL if qpv.suppressed else _decimal(qpv.value),
                    indicator.unit,
                    "oui" if qpv.suppressed else "non",
                    qpv.rank or "",
                    "incertain" if item.uncertain else "établi",
                    _decimal(evolution),
                    item.evolution_note,
                    qpv.source,
                    qpv.vintage,
                    qpv.period,
                ]
            )
    return "\ufeff" + buffer.getvalue()
