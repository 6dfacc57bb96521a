"""Budget levers: a running CPO's later tranches count in their year, the circular's shares
against their targets, posts (adultes-relais, FONJEP) beside the BOP 147 grants."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from quartiers.grants.choices import DecisionKind
from quartiers.grants.selectors import budget_table
from quartiers.grants.services.agreements import agreement_sign
from tests.grants.conftest import granted_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def cpo_2025(asso_a, call_mel):
    """A 3-year CPO signed in 2025 (30 000 €, then 31 000 € in 2026 and 32 000 € in 2027)."""
    application = granted_make(
        asso_a, call_mel, "30000.00", cost="60000.00", asked="30000.00", title="CPO"
    )
    return agreement_sign(
        application=application,
        kind=DecisionKind.CPO,
        reference="CPO-2025-1",
        signed_on=date(2025, 3, 1),
        user=None,
        years=3,
        tranche_amounts=[Decimal("30000.00"), Decimal("31000.00"), Decimal("32000.00")],
    )


def test_the_2026_tranche_of_a_running_cpo_is_counted_in_the_2026_view(cpo_2025):
    for by in ("contract", "theme", "association"):
        table = budget_table(year=2026, by=by)
        assert table.total.programmed == Decimal("31000.00"), by
        assert table.total.count == 1
    mel = next(r for r in budget_table(year=2026, by="contract").rows if r.key == "CN05911M")
    assert mel.programmed == Decimal("31000.00")
    # Its first year stays in 2025, once.
    assert budget_table(year=2025, by="contract").total.programmed == Decimal("30000.00")


def test_a_renewed_tranche_is_counted_once_from_its_granted_application(cpo_2025, mel):
    from quartiers.grants.services.agreements import application_renew
    from tests.grants.conftest import call_make

    call_make(mel, 2026)
    renewal = application_renew(agreement=cpo_2025, user=None)

    # Not granted yet: the CPO tranche still counts, the draft does not.
    assert budget_table(year=2026, by="contract").total.programmed == Decimal("31000.00")
    assert renewal.pk is not None


# --- Posts ------------------------------------------------------------------------------------

POSTS = Path("financements_nord")


def _post_rows(data_dir: Path) -> list[dict[str, str]]:
    rows = []
    for path in sorted((data_dir / POSTS).glob("*.csv")):
        scheme = "adulte_relais" if path.name.startswith("adulte") else "fonjep"
        with path.open(encoding="utf-8") as handle:
            rows += [{**r, "scheme": scheme} for r in csv.DictReader(handle)]
    return rows


@pytest.fixture
def posts(data_dir, contracts):
    from quartiers.grants.services.posts import posts_import

    return posts_import(directory=data_dir / POSTS, apply=True)


def test_posts_import_keeps_every_post_year_and_sums_to_the_files(data_dir, posts):
    from quartiers.grants.models import FundedPost, PostYear

    rows = _post_rows(data_dir)
    expected: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for r in rows:
        expected[r["scheme"], r["annee"]] += Decimal(r["montant"])
    stored: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for item in PostYear.objects.select_related("post"):
        stored[item.post.scheme, str(item.year)] += item.amount
    assert stored == expected
    assert FundedPost.objects.count() == len({(r["scheme"], r["id_poste"]) for r in rows})
    assert PostYear.objects.count() == len({(r["scheme"], r["id_poste"], r["annee"]) for r in rows})


def test_the_partial_2025_adulte_relais_file_is_reported_on_import_and_page(
    posts, client, prefecture_agent
):
    assert any("Adulte-relais 2025" in w and "probablement partiel" in w for w in posts.warnings)
    client.force_login(prefecture_agent)
    page = client.get(reverse("grants:post_list")).content.decode()
    assert "Adulte-relais 2025" in page and "probablement partiel" in page
    budget = client.get(reverse("grants:budget") + "?annee=2025").content.decode()
    assert 'data-testid="posts-anomalies"' in budget


def test_a_second_posts_import_changes_nothing_and_a_dry_run_writes_nothing(data_dir, contracts):
    from quartiers.grants.models import PostYear
    from quartiers.grants.services.posts import posts_import

    posts_import(directory=data_dir / POSTS, apply=False)
    assert PostYear.objects.count() == 0
    posts_import(directory=data_dir / POSTS, apply=True)
    again = posts_import(directory=data_dir / POSTS, apply=True)
    assert (again.added, again.changed, again.removed) == (0, 0, 0)


def test_budget_by_contract_shows_the_posts_of_the_year_beside_the_grants(data_dir, posts):
    rows = [r for r in _post_rows(data_dir) if r["annee"] == "2024"]
    table = budget_table(year=2024, by="contract")
    for code in {r["code_cv"] for r in rows}:
        row = next(r for r in table.rows if r.key == code)
        assert row.adultes_relais == sum(
            (
                Decimal(r["montant"])
                for r in rows
                if r["code_cv"] == code and r["scheme"] == "adulte_relais"
            ),
            Decimal(0),
        )
        assert row.fonjep == sum(
            (
                Decimal(r["montant"])
                for r in rows
                if r["code_cv"] == code and r["scheme"] == "fonjep"
            ),
            Decimal(0),
        )
    by_qpv = budget_table(year=2024, by="qpv")
    assert by_qpv.total.adultes_relais == table.total.adultes_relais
    assert by_qpv.total.fonjep == table.total.fonjep


def test_posts_of_a_single_qpv_contract_are_shown_in_that_qpv(data_dir, posts):
    from quartiers.contracts.models import ContractQPV
    from quartiers.grants.models import FundedPost

    link_counts = defaultdict(list)
    for code, qpv in ContractQPV.objects.values_list("contract__code", "qpv__code"):
        link_counts[code].append(qpv)
    single = {c: q[0] for c, q in link_counts.items() if len(q) == 1}
    rows = [r for r in _post_rows(data_dir) if r["annee"] == "2025" and r["code_cv"] in single]
    assert rows  # the Nord has commune-carried contracts with one QPV
    for r in rows:
        scheme = r["scheme"]
        post = FundedPost.objects.get(scheme=scheme, post_id=r["id_poste"])
        assert post.qpv.code == single[r["code_cv"]]


def test_three_year_agreements_and_renewals_are_deduced_from_the_years():
    from quartiers.grants.posts import post_agreements

    assert post_agreements(years=[2020, 2021, 2022, 2023, 2024, 2025]) == [
        (2020, 2022),
        (2023, 2025),
    ]
    assert post_agreements(years=[2021, 2022, 2024]) == [(2021, 2022), (2024, 2024)]


# --- The circular's shares ------------------------------------------------------------------


def test_half_of_the_agreements_in_force_must_be_multi_year(cpo_2025, asso_b, call_mel):
    from quartiers.grants.selectors import multi_year_agreements_share

    for i in range(2):
        agreement_sign(
            application=granted_make(
                asso_b, call_mel, "25000.00", cost="50000.00", asked="25000.00", title=f"C{i}"
            ),
            kind=DecisionKind.CONVENTION,
            reference=f"C-{i}",
            signed_on=date(2025, 3, 1),
            user=None,
        )

    share = multi_year_agreements_share(year=2025)

    assert (share.part, share.whole) == (1, 3) and not share.reached
    later = multi_year_agreements_share(year=2026)  # only the CPO runs in 2026
    assert (later.part, later.whole) == (1, 1) and later.reached


def test_at_most_2_5_percent_of_the_bop147_envelope_may_go_outside_qpv(
    asso_a, call_mel, mel, client, prefecture_agent
):
    from quartiers.grants.models import Envelope
    from quartiers.grants.selectors import bop147_outside_qpv_share

    Envelope.objects.create(year=2025, fund="bop147", contract=None, amount=Decimal("100000.00"))
    inside = granted_make(asso_a, call_mel, "10000.00", title="En QPV")
    inside.qpvs.set([mel.qpvs.order_by("code").first()])
    granted_make(asso_a, call_mel, "3000.00", title="Hors QPV")

    share = bop147_outside_qpv_share(year=2025)

    assert (share.part, share.whole, share.percent) == (
        Decimal("3000.00"),
        Decimal("100000.00"),
        Decimal("3.0"),
    )
    assert share.maximum and not share.reached
    client.force_login(prefecture_agent)
    page = client.get(reverse("grants:budget") + "?annee=2025").content.decode()
    assert "objectif au plus 2,5 %" in page and "au-delà du plafond" in page
