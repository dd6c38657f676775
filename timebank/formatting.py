"""French display of money, durations and dates: `1 234,56 €`, `12 h 30`, `23/11/2026`.

Integers in, text out; the only place that turns amounts into words for people.
"""

from __future__ import annotations

from datetime import date
from typing import Final

THOUSANDS_SEPARATOR: Final = "\u202f"  # Narrow no-break space, as French typography wants.
UNIT_SEPARATOR: Final = "\u00a0"  # No-break space before the unit.


def group_thousands(value: int) -> str:
    digits = f"{abs(value):,}".replace(",", THOUSANDS_SEPARATOR)
    return f"-{digits}" if value < 0 else digits


def euros(amount_cents: int) -> str:
    """`123456` → `1 234,56 €` (negative amounts keep their sign)."""
    sign = "-" if amount_cents < 0 else ""
    units, cents = divmod(abs(amount_cents), 100)
    return f"{sign}{group_thousands(units)},{cents:02d}{UNIT_SEPARATOR}€"


def hours(duration_minutes: int) -> str:
    """`750` → `12 h 30`; `720` → `12 h`."""
    sign = "-" if duration_minutes < 0 else ""
    whole, rest = divmod(abs(duration_minutes), 60)
    text = f"{sign}{group_thousands(whole)}{UNIT_SEPARATOR}h"
    return f"{text}{UNIT_SEPARATOR}{rest:02d}" if rest else text


def day(value: date) -> str:
    """`date(2026, 11, 23)` → `23/11/2026`."""
    return value.strftime("%d/%m/%Y")
