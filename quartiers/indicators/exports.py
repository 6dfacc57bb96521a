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
