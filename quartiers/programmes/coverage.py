"""Coverage of the QPV by a kind of dispositif: QPV linked to at least one dispositif of that
kind active on the date, over all the QPV of the scope (the département's current generation
by default, or a contract's QPV)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import QuerySet

from quartiers.geography.models import QPV
from quartiers.indicators.selectors import departement_code
from quartiers.programmes.choices import DispositifKind
from quartiers.programmes.models import Dispositif


@dataclass(frozen=True)
class Coverage:
    kind: str
    on: date
    covered_codes: tuple[str, ...]
    total: int
    dispositif_count: int

    @property
    def covered(self) -> int:
        return len(self.covered_codes)

    @property
    def share(self) -> Decimal | None:
        """Percentage of the scope's QPV covered (None when the scope has no QPV)."""
        if not self.total:
            return None
        return (Decimal(100) * self.covered / self.total).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def kind_label(self) -> str:
        return DispositifKind(self.kind).label


def scope_qpvs_default() -> QuerySet[QPV]:
    return QPV.objects.of_generation(settings.QPV_GENERATION).filter(
        departement_code=departement_code()
    )


def coverage_compute(*, kind: str, on: date, qpvs: QuerySet[QPV] | None = None) -> Coverage:
    scope = scope_qpvs_default() if qpvs is None else qpvs
    active = Dispositif.objects.filter(kind=kind).active_on(on)
    covered = (
        scope.filter(dispositifs__in=active)
        .distinct()
        .order_by("code")
        .values_list("code", flat=True)
    )
    return Coverage(
        kind=kind,
        on=on,
        covered_codes=tuple(covered),
        total=scope.count(),
        dispositif_count=active.count(),
    )
