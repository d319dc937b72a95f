"""The hop battery after ACL reconstruction: judged by the limb symmetry index.

The hop distances and times have no population norm here; the criterion the
sources give is the involved side at least 90 % of the other (the LSI of
``catalog.limb_symmetry``, inverted for the timed hop), read by ``symmetry``.
"""

from decimal import Decimal

from .model import Cutoff, NormEntry
from .sources import THOMEE_LSI

_LSI = Cutoff(
    Decimal(90),
    "<",
    "below the 90 % criterion for return to sport after ACL reconstruction",
    "Limb symmetry",
    THOMEE_LSI,
)
_BY_SYMMETRY = (
    "Judged against the other side (limb symmetry index ≥ 90 %), not a population norm."
)


def _hop(code: str, name: str, unit: str, *, higher_is_better: bool) -> NormEntry:
    return NormEntry(
        code=code,
        name=name,
        unit=unit,
        higher_is_better=higher_is_better,
        symmetry=_LSI,
        no_table_reason=_BY_SYMMETRY,
    )


NORMS = (
    _hop("single_hop_distance", "Single hop", "cm", higher_is_better=True),
    _hop("triple_hop_distance", "Triple hop", "cm", higher_is_better=True),
    _hop("crossover_hop_distance", "Crossover hop", "cm", higher_is_better=True),
    _hop("timed_hop_6m", "6-m timed hop", "s", higher_is_better=False),
)
