"""Moved to `quartiers.shared.formatting` (compatibility names)."""

from quartiers.shared.formatting import NBSP, SECRET_LABEL, number_fr, rank_fr, value_fr

__all__ = ["NBSP", "SECRET_LABEL", "number_fr", "rank_fr", "value_fr"]
