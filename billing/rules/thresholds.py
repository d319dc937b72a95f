"""Dollar and unit limits that change by year or by CMS data file."""

from decimal import Decimal
from types import MappingProxyType

# Medicare per-beneficiary KX modifier threshold by calendar year of the date of
# service (BBA 2018 §50202; DOMAIN.md §4.2). PT+SLP combined and OT have the same
# amount in every listed year, so one table serves both plans of care. 2024 is from
# NGS/Noridian; 2025 and 2026 are from consistent secondary sources only. Add a year
# here when CMS publishes it; a year missing from the table is reported, not guessed.
KX_THRESHOLDS = MappingProxyType(
    {
        2024: Decimal("2330"),
        2025: Decimal("2410"),
        2026: Decimal("2480"),
    }
)

# Medicare MUE for 97750 per day, as commonly cited; UNCONFIRMED (sources say 8
# units, 2 hours or 4 hours), so exceeding it warns rather than blocks
# (DOMAIN.md §2.5). Replace with the current CMS MUE file value once loaded.
MUE_97750_UNITS = 8
