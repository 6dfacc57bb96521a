"""Coverage of the Nord QPV by a kind of dispositif, and the coverage measure's status."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from quartiers.geography.models import QPV, Commune
from quartiers.programmes.choices import DispositifKind
from quartiers.programmes.coverage import coverage_compute
from quartiers.programmes.models import Dispositif, Measure
from quartiers.programmes.seed import seed_programmes_demo
from quartiers.programmes.selectors import measure_row
from quartiers.programmes.status import Status

pytestmark = pytest.mark.django_db
MEDIATOR = DispositifKind.HEALTH_MEDIATOR


def mediator(name: str, insee_code: str, qpv_codes: list[str], **dates) -> Dispositif:
    dispositif = Dispositif.objects.create(
        kind=MEDIATOR, name=name, commune=Commune.objects.get(insee_code=insee_code), **dates
    )
    dispositif.qpvs.set(QPV.objects.filter(code__in=qpv_codes, generation=2024))
    return dispositif


def test_no_dispositif_means_no_qpv_covered_out_of_the_94():
    coverage = coverage_compute(kind=MEDIATOR, on=date(2026, 1, 1))
    assert (coverage.covered, coverage.total, coverage.dispositif_count) == (0, 94, 0)
    assert coverage.share == Decimal("0.0")


def test_a_qpv_covered_twice_counts_once():
    mediator("Médiateur A", "59512", ["QN05981M", "QN05969M"])
    mediator("Médiateur B", "59512", ["QN05981M"])
    coverage = coverage_compute(kind=MEDIATOR, on=date(2026, 1, 1))
    assert coverage.covered_codes == ("QN05969M", "QN05981M")
    assert coverage.dispositif_count == 2
    assert coverage.share == Decimal("2.1")  # 2 / 94


def test_only_dispositifs_active_on_the_date_count():
    mediator(
        "Ancien", "59172", ["QN05950M"], start_date=date(2020, 1, 1), end_date=date(2023, 12, 31)
    )
    mediator("À venir", "59172", ["QN05954M"], start_date=date(2027, 1, 1))
    assert coverage_compute(kind=MEDIATOR, on=date(2026, 1, 1)).covered == 0
    assert coverage_compute(kind=MEDIATOR, on=date(2023, 6, 1)).covered_codes == ("QN05950M",)


def test_other_kinds_do_not_count():
    Dispositif.objects.create(
        kind=DispositifKind.PRE, name="PRE", commune=Commune.objects.get(insee_code="59172")
    ).qpvs.set(QPV.objects.filter(code="QN05950M"))
    assert coverage_compute(kind=MEDIATOR, on=date(2026, 1, 1)).covered == 0


def test_coverage_of_a_smaller_scope():
    mediator("Médiateur A", "59512", ["QN05981M"])
    roubaix = QPV.objects.filter(communes__insee_code="59512", generation=2024)
    coverage = coverage_compute(kind=MEDIATOR, on=date(2026, 1, 1), qpvs=roubaix)
    assert coverage.total == roubaix.count() and coverage.covered == 1


def test_coverage_measure_uses_the_computed_share_as_its_latest_value():
    seed_programmes_demo()
    measure = Measure.objects.get(code="couverture-mediateurs-sante")
    assert measure_row(measure=measure, today=date(2026, 1, 1)).result.reason == (
        "aucune valeur constatée"
    )
    mediator("Médiateur A", "59512", ["QN05981M", "QN05969M"])
    row = measure_row(measure=measure, today=date(2026, 1, 1))
    assert row.latest.value == Decimal("2.1") and row.latest.on == date(2026, 1, 1)
    # no baseline share in the press kit and a single value: no trajectory yet
    assert row.result.status == Status.NO_DATA
    measure.entries.create(on=date(2024, 12, 31), value=Decimal(0))
    row = measure_row(measure=measure, today=date(2026, 1, 1))
    assert row.result.status == Status.AT_RISK  # ~17 % expected a year on the way to 100 %
