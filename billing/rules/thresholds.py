"""Dollar and unit limits that change by year or by CMS data file."""

from decimal import Decimal
from types import MappingProxyType

# Medicare per-beneficiary KX modifier threshold by calendar year of the date of
# service (Bipartisan Budget Act of 2018 §50202). There are two thresholds of the
# same amount: one for PT and speech-language pathology combined, one for OT; the
# amounts are counted separately. 2024 is from NGS/Noridian; 2025 and 2026 are
# from consistent secondary sources only. Add a year here when CMS publishes it; a
# year missing from the table is reported, not guessed.
KX_THRESHOLDS = MappingProxyType(
    {
        2024: Decimal("2330"),
        2025: Decimal("2410"),
        2026: Decimal("2480"),
    }
)

# The KX threshold group of each plan-of-care discipline.
KX_GROUPS = MappingProxyType({"PT": "PT and speech-language pathology", "OT": "OT"})

# Medicare MUE for 97750 per day, as commonly cited; UNCONFIRMED (sources say 8
# units, 2 hours or 4 hours), so exceeding it warns rather than blocks. Replace
# with the current CMS MUE file value once loaded.
MUE_97750_UNITS = 8

# Medicare expects the plan of care certified within 30 days of the first
# treatment (CMS Pub. 100-02 Ch. 15 §220.1.3).
CERTIFICATION_DAYS = 30
