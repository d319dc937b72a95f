"""Published norms, cut-offs and change thresholds of the catalog's tests.

Pure Python with no Django import (like ``billing.rules``): the session page,
the trend charts and the sealed note call ``interpret`` and ``guides`` with a
result, the patient's age and sex on the date of service, and get Decimals and
sentences that cite their source. The API is what this module exports;
the tables live in one module per family of tests (``strength``, ``balance``…)
and every source, numbered for the note's references, in ``sources``.
"""

from .interpret import age_on, covered, guides, interpret, symmetry
from .sources import SOURCES
from .types import (
    Change,
    Flag,
    Guides,
    Interpretation,
    Person,
    Source,
    Standing,
)

__all__ = [
    "SOURCES",
    "Change",
    "Flag",
    "Guides",
    "Interpretation",
    "Person",
    "Source",
    "Standing",
    "age_on",
    "covered",
    "guides",
    "interpret",
    "symmetry",
]
