"""Two fresh contexts of one CSV source, for tests that run a block through the compiled path
and the generic path and compare what each writes."""

from __future__ import annotations

from quartiers.georef.batch.chunks import Context
from quartiers.georef.batch.columns import columns_detect
from quartiers.georef.batch.readers import SourceInfo
from quartiers.georef.batch.results import qpv_names
from quartiers.georef.batch.summary import Summary
from quartiers.georef.engine import Distances


def two_contexts(
    info: SourceInfo, *, delimiter: str, distances: Distances
) -> tuple[Context, Context]:
    """(fast, slow): the same settings, each with its own summary (2024 QPV)."""
    codes, names = qpv_names(generation=2024)

    def context() -> Context:
        return Context(
            header=info.header,
            mapping=columns_detect(header=info.header),
            delimiter=delimiter,
            generation=2024,
            distances=distances,
            codes=codes,
            names=names,
            summary=Summary(),
        )

    return context(), context()
