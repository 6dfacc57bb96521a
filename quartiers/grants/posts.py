"""Reads of the funded posts (adultes-relais, FONJEP): table, three-year agreements, anomalies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from quartiers.grants.models import FundedPost, PostScheme, PostYear
from quartiers.grants.models.posts import AGREEMENT_YEARS
from quartiers.grants.services.money import money_sum
from quartiers.grants.services.posts import posts_year_anomalies

UNKNOWN_QPV = "qpv-non-precise"


def post_agreements(*, years: list[int]) -> list[tuple[int, int]]:
    """Three-year agreements deduced from the funded years: each run of consecutive years is
    cut into blocks of three from its first year (a later block is a renewal)."""
    blocks: list[tuple[int, int]] = []
    for year in sorted(set(years)):
        if blocks and year == blocks[-1][1] + 1 and year - blocks[-1][0] < AGREEMENT_YEARS:
            blocks[-1] = (blocks[-1][0], year)
        else:
            blocks.append((year, year))
    return blocks


@dataclass
class PostLine:
    post: FundedPost
    amounts: dict[int, Decimal] = field(default_factory=dict)
    contracts: list[str] = field(default_factory=list)

    @property
    def agreements(self) -> list[tuple[int, int]]:
        return post_agreements(years=list(self.amounts))

    @property
    def renewals(self) -> int:
        return max(0, len(self.agreements) - 1)


def posts_table(*, scheme: str = "", year: int | None = None) -> list[PostLine]:
    years = PostYear.objects.select_related("post__qpv", "contract").order_by("post", "year")
    if scheme:
        years = years.filter(post__scheme=scheme)
    if year:
        years = years.filter(post__years__year=year).distinct()
    lines: dict[int, PostLine] = {}
    for item in years:
        line = lines.setdefault(item.post_id, PostLine(post=item.post))
        line.amounts[item.year] = item.amount
        code = item.contract.code if item.contract else item.contract_code
        if code not in line.contracts:
            line.contracts.append(code)
    return sorted(lines.values(), key=lambda line: (line.post.scheme, line.post.post_id))


def posts_add(
    *, rows: dict[str, Any], year: int, by: str, row_new: Callable[[str, str], Any]
) -> None:
    """Adultes-relais and FONJEP amounts of `year`, by contract or by QPV served."""
    years = PostYear.objects.filter(year=year).select_related("post__qpv", "contract")
    for item in years:
        if by == "contract":
            contract = item.contract
            key = contract.code if contract else item.contract_code
            label = f"{contract.code} — {contract.name}" if contract else item.contract_code
        elif item.post.qpv is not None:
            key, label = item.post.qpv.code, f"{item.post.qpv.code} — {item.post.qpv.name}"
        else:
            key, label = UNKNOWN_QPV, "Postes au QPV non précisé (contrat à plusieurs QPV)"
        row = rows.setdefault(key, row_new(key, label))
        if item.post.scheme == PostScheme.ADULTE_RELAIS:
            row.adultes_relais += item.amount
        else:
            row.fonjep += item.amount


def posts_anomalies() -> list[str]:
    """The years whose total is far from the others (a partial 2025 adulte-relais file…)."""
    # Summed in Python: SQLite adds NUMERIC columns as floating point (see money_sum).
    amounts: dict[tuple[str, int], list[Decimal]] = {}
    for scheme, year, amount in PostYear.objects.values_list("post__scheme", "year", "amount"):
        amounts.setdefault((scheme, year), []).append(amount)
    return posts_year_anomalies(totals={key: money_sum(v) for key, v in amounts.items()})


def posts_years() -> list[int]:
    return sorted(set(PostYear.objects.values_list("year", flat=True)))
