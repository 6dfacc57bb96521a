"""Import of the SIG Ville-style file (real Nord and France files)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from quartiers.geography.models import ImportRun
from quartiers.indicators.catalogue import SIGVILLE_COLUMNS
from quartiers.indicators.importers import indicators_import
from quartiers.indicators.models import SECRET_LABEL, Indicator, IndicatorValue
from quartiers.shared.imports import ImportRefused

pytestmark = pytest.mark.django_db


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, list(reader)


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_nord_file_stores_each_qpv_once_for_every_mapped_column(nord_indicators):
    (summary,) = nord_indicators
    values = IndicatorValue.objects.of_qpv()
    assert values.values("territory_code").distinct().count() == 94
    assert summary.added == 94 * len(SIGVILLE_COLUMNS) == values.count()
    assert summary.applied
    run = ImportRun.objects.get(kind="indicators_sigville")
    assert run.counts["added"] == summary.added
    assert len(run.sha256) == 64
    assert values.filter(import_run=run).count() == values.count()


def test_population_of_the_94_qpv_adds_up_to_the_file_total(nord_indicators):
    population = IndicatorValue.objects.filter(indicator__code="population_municipale")
    assert sum(v.value for v in population) == 432_926


def test_empty_cells_are_stored_as_secret_statistique_never_as_zero(nord_indicators):
    def secret(code: str) -> int:
        return IndicatorValue.objects.filter(indicator__code=code, suppressed=True).count()

    # PROVENANCE.md counts 12 empty partPopEt cells: 12 (QPV, commune) rows, 11 distinct QPV
    # (QN05940M spans two communes and is empty on both rows).
    assert secret("part_population_etrangere") == 11
    assert secret("taux_logements_sociaux") == 4
    assert secret("taux_pauvrete_60") == 3
    assert secret("part_menages_6_personnes_plus") == 3
    suppressed = IndicatorValue.objects.filter(suppressed=True)
    assert suppressed.count() == 56
    assert not suppressed.exclude(value__isnull=True).exists()
    assert str(suppressed.first()).endswith(SECRET_LABEL)


def test_secret_cells_match_the_empty_cells_of_the_file(nord_indicators, nord_file):
    header, rows = _rows(nord_file)
    empty = {
        (SIGVILLE_COLUMNS[name], row[header.index("codeQPV")])
        for row in rows
        for name in SIGVILLE_COLUMNS
        if row[header.index(name)] == ""
    }
    stored = set(
        IndicatorValue.objects.filter(suppressed=True).values_list(
            "indicator__code", "territory_code"
        )
    )
    assert stored == empty


def test_decimal_values_round_trip_exactly(nord_indicators):
    value = IndicatorValue.objects.get(indicator__code="nombre_menages", territory_code="QN05901M")
    assert value.value == Decimal("589.6")
    rate = IndicatorValue.objects.get(
        indicator__code="taux_logements_sociaux", territory_code="QN05903M"
    )
    assert rate.value == Decimal("102.07")  # above 100: social dwellings / households


def test_second_import_changes_nothing(nord_indicators, data_dir):
    (again,) = indicators_import(
        source=data_dir / "indicateurs" / "sigville_qpv2024_indicateurs_nord.csv", apply=True
    )
    assert (again.added, again.changed, again.unchanged) == (0, 0, 94 * len(SIGVILLE_COLUMNS))


def test_dry_run_writes_no_row_at_all(db, nord_file):
    before = (Indicator.objects.count(), IndicatorValue.objects.count(), ImportRun.objects.count())
    (summary,) = indicators_import(source=nord_file)
    assert summary.added == 1786 and not summary.applied
    after = (Indicator.objects.count(), IndicatorValue.objects.count(), ImportRun.objects.count())
    assert after == before
    assert "Simulation" in str(summary)


def test_repeated_qpv_values_that_disagree_are_warned(db, nord_file, tmp_path):
    header, rows = _rows(nord_file)
    code = header.index("codeQPV")
    # QN05902M has two rows (Auby, Roost-Warendin): change the second one's population.
    second = [i for i, row in enumerate(rows) if row[code] == "QN05902M"][1]
    rows[second][header.index("popMuniQPV")] = "9999"
    (summary,) = indicators_import(source=_write(tmp_path / "f.csv", header, rows), apply=True)
    assert any("QN05902M" in w and "popMuniQPV" in w for w in summary.warnings)
    kept = IndicatorValue.objects.get(
        indicator__code="population_municipale", territory_code="QN05902M"
    )
    assert kept.value == 1356


def test_bad_number_is_refused_with_file_line_and_column(db, nord_file, tmp_path):
    header, rows = _rows(nord_file)
    rows[4][header.index("partMen1p")] = "trente"
    path = _write(tmp_path / "mauvais.csv", header, rows)
    before = (Indicator.objects.count(), IndicatorValue.objects.count(), ImportRun.objects.count())
    with pytest.raises(ImportRefused) as refused:
        indicators_import(source=path, apply=True)
    assert "mauvais.csv, ligne 6, colonne « partMen1p »" in str(refused.value)
    assert "« trente » n'est pas un nombre" in str(refused.value)
    after = (Indicator.objects.count(), IndicatorValue.objects.count(), ImportRun.objects.count())
    assert after == before


def test_missing_key_column_is_refused(db, nord_file, tmp_path):
    header, rows = _rows(nord_file)
    index = header.index("codeQPV")
    header[index] = "code_qpv"
    with pytest.raises(ImportRefused, match=r"colonne.*absente.*codeQPV"):
        indicators_import(source=_write(tmp_path / "f.csv", header, rows), fmt="sigville")


@pytest.mark.slow
def test_france_file_repairs_oe_and_restores_leading_zeros(db, data_dir):
    (summary,) = indicators_import(
        source=data_dir / "indicateurs" / "sigville_qpv2024_indicateurs_france.csv"
    )
    warnings = " ".join(summary.warnings)
    assert "U+009C" in warnings and "35 cellule(s)" in warnings
    assert "1053 → 01053" in warnings
    assert summary.added == 1518 * len(SIGVILLE_COLUMNS)
    # QPV outside the imported Nord registry are kept, and listed as a warning.
    assert "absent(s) du référentiel" in warnings
