"""Norms of the flexibility tests: goniometric ROM, chair sit-and-reach, back scratch.

Goniometric normal values are one value per motion for adults (Norkin & White's
AAOS values for the upper limb, with the AMA's lower limit of normal beside
them, and the VA rating schedule's plates for the lower limb, as the catalog
cites them); the result reads as % of that value.
"""

from decimal import Decimal

from .model import NormEntry, Population, Row, Table, sex_centres
from .sources import NORKIN_WHITE_ROM, RIKLI_JONES_MEDIANS, VA_ROM
from .types import Source

D = Decimal  # the tables read as the sources print them
_ADULTS = Population(None)


def _rom(
    code: str,
    normal: int,
    source: Source,
    *,
    ama: int | None = None,
    ratio: bool = True,
) -> NormEntry:
    """One goniometric motion: its normal value and, for the upper limb, the
    AMA's lower limit of normal that Norkin & White print beside it."""
    upper = ama is not None
    return NormEntry(
        code=f"rom_{code}",
        name=f"ROM {code.replace('_', ' ')}",
        unit="degrees",
        higher_is_better=True,
        tables=(
            Table(
                source=source,
                centre="normal value (AAOS)" if upper else "normal value",
                range_name="AMA normal",
                rows=(
                    Row(_ADULTS, centre=D(normal), low=None if ama is None else D(ama)),
                ),
                ratio=ratio,
            ),
        ),
    )


ROM = (
    # Norkin & White Table A.1: AAOS value, AMA "≥" value.
    _rom("shoulder_flexion", 180, NORKIN_WHITE_ROM, ama=180),
    _rom("shoulder_extension", 60, NORKIN_WHITE_ROM, ama=50),
    _rom("shoulder_abduction", 180, NORKIN_WHITE_ROM, ama=170),
    _rom("shoulder_internal_rotation", 70, NORKIN_WHITE_ROM, ama=80),
    _rom("shoulder_external_rotation", 90, NORKIN_WHITE_ROM, ama=60),
    _rom("elbow_flexion", 150, NORKIN_WHITE_ROM, ama=140),
    _rom("forearm_pronation", 80, NORKIN_WHITE_ROM, ama=80),
    _rom("forearm_supination", 80, NORKIN_WHITE_ROM, ama=80),
    _rom("wrist_flexion", 80, NORKIN_WHITE_ROM, ama=60),
    _rom("wrist_extension", 70, NORKIN_WHITE_ROM, ama=60),
    _rom("wrist_radial_deviation", 20, NORKIN_WHITE_ROM, ama=20),
    _rom("wrist_ulnar_deviation", 30, NORKIN_WHITE_ROM, ama=30),
    # 38 CFR 4.71 Plate II: the end of the normal arc.
    _rom("hip_flexion", 125, VA_ROM),
    _rom("hip_extension", 30, VA_ROM),
    _rom("hip_abduction", 45, VA_ROM),
    _rom("hip_adduction", 25, VA_ROM),
    _rom("hip_internal_rotation", 40, VA_ROM),
    _rom("hip_external_rotation", 60, VA_ROM),
    _rom("knee_flexion", 140, VA_ROM),
    # Normal extension is 0: a lag reads as degrees short of it, not a %.
    _rom("knee_extension", 0, VA_ROM, ratio=False),
    _rom("ankle_dorsiflexion", 20, VA_ROM),
    _rom("ankle_plantarflexion", 45, VA_ROM),
)

# Rikli & Jones 1999 medians in inches per 5-year band (+ beyond the toes or
# overlapping, − short of them).
SIT_AND_REACH = NormEntry(
    code="chair_sit_and_reach",
    name="Chair sit-and-reach",
    unit="in",
    higher_is_better=True,
    tables=(
        Table(
            source=RIKLI_JONES_MEDIANS,
            centre="median",
            ratio=False,
            rows=sex_centres(
                (
                    (60, 64, "2.1", "0.6"),
                    (65, 69, "2.0", "0.0"),
                    (70, 74, "1.4", "0.0"),
                    (75, 79, "1.2", "-1.1"),
                    (80, 84, "0.5", "-2.0"),
                    (85, 89, "-0.1", "-2.4"),
                    (90, 94, "-1.7", "-3.6"),
                )
            ),
        ),
    ),
)

BACK_SCRATCH = NormEntry(
    code="back_scratch",
    name="Back scratch",
    unit="in",
    higher_is_better=True,
    tables=(
        Table(
            source=RIKLI_JONES_MEDIANS,
            centre="median",
            ratio=False,
            rows=sex_centres(
                (
                    (60, 64, "-0.7", "-3.4"),
                    (65, 69, "-1.2", "-4.1"),
                    (70, 74, "-1.7", "-4.5"),
                    (75, 79, "-2.1", "-5.6"),
                    (80, 84, "-2.6", "-5.7"),
                    (85, 89, "-3.9", "-6.2"),
                    (90, 94, "-4.5", "-7.2"),
                )
            ),
        ),
    ),
)

NORMS = (*ROM, SIT_AND_REACH, BACK_SCRATCH)
