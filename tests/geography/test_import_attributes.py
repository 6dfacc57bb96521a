"""QPV attributes from small CSV files: the NPNRU estimate, populations, a confirmed status."""

from __future__ import annotations

import collections

import pytest

from quartiers.geography.importers import ImportRefused, qpv_attributes_import
from quartiers.geography.models import QPV, NpnruStatus


def test_the_npnru_estimate_is_imported_apart_from_the_confirmed_status(db):
    estimates = collections.Counter(QPV.objects.values_list("npnru_estimate", flat=True))
    assert estimates == {
        "national": 13,
        "national+regional": 1,
        "regional": 6,
        "regional_possible": 12,
        "none": 62,
    }
    assert set(QPV.objects.values_list("npnru_status", flat=True)) == {NpnruStatus.UNKNOWN}
    qpv = QPV.objects.get(code="QN05901M")
    assert qpv.npnru_estimate_note.startswith("R10")
    assert qpv.npnru_label.endswith("estimé, à vérifier")


def test_sigville_populations_are_taken_once_per_qpv(db):
    assert sum(QPV.objects.values_list("population", flat=True)) == 432_926  # PROVENANCE §2
    qpv = QPV.objects.get(code="QN05901M")
    assert (qpv.population, qpv.population_vintage) == (1370, "non documenté")
    assert qpv.population_source == "SIG Ville (ANCT) — compilation tierce"


def test_conflicting_repeated_values_are_refused(db, data_dir, tmp_path, table_counts):
    lines = (
        (data_dir / "indicateurs" / "sigville_qpv2024_indicateurs_nord.csv")
        .read_text("utf-8")
        .splitlines()
    )
    # QN05902M spans Auby and Roost-Warendin: its two rows repeat the same population.
    second = [n for n, line in enumerate(lines) if ",QN05902M," in line][1]
    header = lines[0].split(",")
    cells = lines[second].split(",")
    cells[header.index("popMuniQPV")] = "9999"
    lines[second] = ",".join(cells)
    path = tmp_path / "sigville.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    before = table_counts()
    with pytest.raises(ImportRefused, match=rf"ligne {second + 1} : le QPV QN05902M est répété"):
        qpv_attributes_import(source=path, preset="sigville-population", apply=True)
    assert table_counts() == before


def test_unknown_qpv_codes_are_listed_and_skipped(db, data_dir):
    summary = qpv_attributes_import(
        source=data_dir / "indicateurs" / "sigville_qpv2024_indicateurs_france.csv",
        preset="sigville-population",
    )
    assert summary.unchanged == 94
    assert summary.warnings[0].startswith("1424 code(s) QPV absent(s) du référentiel")


def test_reimport_changes_nothing(db, data_dir):
    summary = qpv_attributes_import(
        source=data_dir / "npnru" / "qpv2024_nord_npnru_statut_derive.csv",
        preset="npnru-derive",
        apply=True,
    )
    assert (summary.changed, summary.unchanged) == (0, 94)


def test_a_confirmed_status_csv_sets_the_status_and_keeps_the_estimate(db, tmp_path):
    path = tmp_path / "npnru_officiel.csv"
    path.write_text("code_qp;statut_npnru\nQN05901M;national\nQN05902M;none\n", encoding="utf-8")
    summary = qpv_attributes_import(source=path, apply=True)
    assert summary.changed == 2
    qpv = QPV.objects.get(code="QN05901M")
    assert (qpv.npnru_status, qpv.npnru_estimate) == ("national", "regional_possible")
    assert qpv.npnru_label == "Intérêt national"


def test_a_column_mapping_feeds_the_population(db, tmp_path):
    path = tmp_path / "pop.csv"
    path.write_text("qpv,habitants\nQN05901M,1400\n", encoding="utf-8")
    summary = qpv_attributes_import(
        source=path,
        columns={"code_qp": "qpv", "population": "habitants"},
        constants={"population_source": "Insee", "population_vintage": "2020"},
        apply=True,
    )
    assert summary.changed == 1
    qpv = QPV.objects.get(code="QN05901M")
    assert (qpv.population, qpv.population_source, qpv.population_vintage) == (
        1400,
        "Insee",
        "2020",
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "code_qp,statut_npnru\nQN05901M,oui\n",
            r"ligne 2, colonne « statut_npnru » : valeur « oui »",
        ),
        ("code_qp,population\nQN05901M,12\nQN05902M,-3\n", r"ligne 3, colonne « population »"),
        ("code,population\nQN05901M,12\n", r"ligne 1 : colonne\(s\) obligatoire\(s\) .* code_qp"),
        ("code_qp,divers\nQN05901M,12\n", r"aucune colonne d'attribut reconnue"),
    ],
)
def test_bad_attribute_files_are_refused(db, tmp_path, table_counts, content, expected):
    path = tmp_path / "attributs.csv"
    path.write_text(content, encoding="utf-8")
    before = table_counts()
    with pytest.raises(ImportRefused, match=expected):
        qpv_attributes_import(source=path, apply=True)
    assert table_counts() == before
