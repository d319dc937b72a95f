"""The dexterity tests: entries without a retrieved norm, so a change reads right.

Mathiowetz et al. 1985 publish adult norms for both tests by sex, age and hand,
but their tables were not retrieved for Perfnote; nothing is guessed instead.
"""

from .model import NormEntry

NORMS = (
    NormEntry(
        code="nine_hole_peg_test", name="9-hole peg", unit="s", higher_is_better=False
    ),
    NormEntry(
        code="box_and_block", name="Box and Block", unit="blocks", higher_is_better=True
    ),
)
