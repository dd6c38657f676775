"""French display of money, durations and dates: `1 234,56 €`, `12 h 30`, `23/11/2026`.

Integers in, text out; the only place that turns amounts into words for people.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

from timebank import refusals

THOUSANDS_SEPARATOR: Final = "\u202f"  # Narrow no-break space, as French typography wants.
UNIT_SEPARATOR: Final = "\u00a0"  # No-break space before the unit.
PARIS: Final = ZoneInfo("Europe/Paris")


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


def decimal(value: float) -> str:
    """`2.5` → `2,5`, `30.0` → `30` (the French decimal comma, no needless zero)."""
    return f"{value:g}".replace(".", ",")


def percent(basis_points: int) -> str:
    """2000 → « 20 % »; 550 → « 5,5 % »; 210 → « 2,1 % » (a narrow no-break space)."""
    return f"{decimal(basis_points / 100)}\u202f%"


def day(value: date) -> str:
    """`date(2026, 11, 23)` → `23/11/2026`; an instant (a `datetime` with its zone) is shown by
    its day in French time, as `moment` shows it (23:30 UTC is already the next day in Paris)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(PARIS)
    return value.strftime("%d/%m/%Y")


def french_day(value: datetime) -> date:
    """The calendar day of an instant in French time (an invoice's date, a day of approval)."""
    return value.astimezone(PARIS).date()


def moment(value: datetime) -> str:
    """An instant as a French person reads it, in French time: `04/12/2026 à 18 h 05`."""
    local = value.astimezone(PARIS)
    return f"{day(local.date())} à {local.hour} h {local.minute:02d}"


DURATION_TEXT_LENGTH_MAX: Final = 20
_DURATION_FORMS: Final = (
    # 1h30, 1 h 30, 1h, 2 h 05
    re.compile(r"^(?P<hours>\d{1,4})\s*h(?:eures?)?\s*(?P<minutes>\d{1,2})?(?:\s*min)?$"),
    # 1,5 h, 1.5h, 0,75 heure
    re.compile(r"^(?P<decimal>\d{1,4}[.,]\d{1,2})\s*h(?:eures?)?$"),
    # 45 min, 45min, 90 minutes
    re.compile(r"^(?P<only_minutes>\d{1,4})\s*min(?:utes?)?$"),
    # 1:30
    re.compile(r"^(?P<clock_hours>\d{1,2}):(?P<clock_minutes>\d{2})$"),
)


_THOUSANDS: Final = re.compile(r"(?<=^\d) (?=\d{3}\b)")


def parse_duration_minutes(text: str, *, field: str = "duration_minutes") -> int:
    """`1h30`, `1 h 30`, `1,5 h`, `45 min`, `1:30`, `1 200 h` → minutes; else refused.

    A bare number is refused: "2" could mean hours or minutes, so the person says which.
    """
    cleaned = " ".join(text.strip().lower().replace("\u00a0", " ").replace("\u202f", " ").split())
    cleaned = _THOUSANDS.sub("", cleaned)  # `1 200 h` as French typography writes it.
    if cleaned and len(cleaned) <= DURATION_TEXT_LENGTH_MAX:
        for form in _DURATION_FORMS:
            found = form.match(cleaned)
            if found is None:
                continue
            parts = found.groupdict()
            if parts.get("hours") is not None:
                minutes = int(parts["minutes"] or 0)
                if minutes < 60:
                    return int(parts["hours"]) * 60 + minutes
            elif parts.get("decimal") is not None:
                exact = Decimal(parts["decimal"].replace(",", ".")) * 60
                if exact == exact.to_integral_value():
                    return int(exact)
            elif parts.get("only_minutes") is not None:
                return int(parts["only_minutes"])
            elif int(parts["clock_minutes"]) < 60:
                return int(parts["clock_hours"]) * 60 + int(parts["clock_minutes"])
    raise refusals.UNREADABLE_DURATION.error(text=text[:DURATION_TEXT_LENGTH_MAX], field=field)


MONTHS_FR: Final = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def month_label(month: date) -> str:
    """`novembre 2026`: a month as French pages, documents and invoices name it."""
    return f"{MONTHS_FR[month.month - 1]} {month.year}"
