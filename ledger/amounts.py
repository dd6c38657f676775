"""Integer amounts of the two units, and the only place where text becomes an amount.

Time is counted in whole minutes and money in whole cents, always as `int`. Parsing accepts the
forms French users type ("1h30", "1,5 h", "90 min", "12,50 €", "1 234,56 €") and refuses
anything ambiguous: a bare number (hours or minutes?), a dot (decimal or thousands?), a fraction
of a minute or of a cent, a sign.
"""

from __future__ import annotations

import re
from typing import Final

MINUTES_PER_HOUR: Final = 60
CENTS_PER_EURO: Final = 100
# Counters are stored as 64-bit integers; every amount and counter stays below this bound.
AMOUNT_LIMIT: Final = 2**63 - 1
# One transfer moves at most a year of full-time work, or 100 million euros.
TRANSFER_MINUTES_MAX: Final = 1607 * MINUTES_PER_HOUR
TRANSFER_CENTS_MAX: Final = 10_000_000_000
TEXT_LENGTH_MAX: Final = 40

_HOURS_MINUTES: Final = re.compile(r"^(\d{1,5})\s*h\s*(\d{1,2})?(?:\s*min)?$")
_DECIMAL_HOURS: Final = re.compile(r"^(\d{1,5}),(\d{1,4})\s*h$")
_MINUTES_ONLY: Final = re.compile(r"^(\d{1,7})\s*min$")
_EUROS: Final = re.compile(r"^(\d{1,3}(?:[ \u00a0\u202f]\d{3})*|\d+)(?:,(\d{1,2}))?\s*(?:€|EUR)$")


class AmountParseError(ValueError):
    """A text that is not an unambiguous amount; carries a French and an English message."""

    def __init__(self, message_fr: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_fr = message_fr
        self.message_en = message_en


def parse_minutes(text: str) -> int:
    """`"1h30"` → 90, `"1,5 h"` → 90, `"45 min"` → 45, `"2h"` → 120; refuses ambiguity."""
    cleaned = text.strip().lower().replace("\u00a0", " ").replace("\u202f", " ")
    if len(cleaned) > TEXT_LENGTH_MAX:
        raise _duration_error(text)
    match = _HOURS_MINUTES.match(cleaned)
    if match:
        hours = int(match.group(1))
        minutes = int(match.group(2) or 0)
        if minutes >= MINUTES_PER_HOUR:
            raise _duration_error(text)
        return hours * MINUTES_PER_HOUR + minutes
    match = _DECIMAL_HOURS.match(cleaned)
    if match:
        whole, decimals = match.groups()
        scale: int = 10 ** len(decimals)
        numerator = (int(whole) * scale + int(decimals)) * MINUTES_PER_HOUR
        if numerator % scale:
            raise AmountParseError(
                f"« {text.strip()[:40]} » ne tombe pas sur une minute entière.",
                f"'{text.strip()[:40]}' is not a whole number of minutes.",
            )
        return numerator // scale
    match = _MINUTES_ONLY.match(cleaned)
    if match:
        return int(match.group(1))
    raise _duration_error(text)


def parse_cents(text: str) -> int:
    """`"12,50 €"` → 1250, `"1 234 €"` → 123400; the currency sign is required."""
    cleaned = text.strip()
    if len(cleaned) > TEXT_LENGTH_MAX:
        raise _money_error(text)
    match = _EUROS.match(cleaned)
    if not match:
        raise _money_error(text)
    euros_text, cents_text = match.groups()
    euros = int(re.sub(r"[ \u00a0\u202f]", "", euros_text))
    cents = int((cents_text or "0").ljust(2, "0"))
    return euros * CENTS_PER_EURO + cents


def _duration_error(text: str) -> AmountParseError:
    return AmountParseError(
        f"Durée ambiguë ou invalide : « {text.strip()[:40]} » (exemples : 1h30, 1,5 h, 45 min).",
        f"Ambiguous or invalid duration: '{text.strip()[:40]}' (examples: 1h30, 1,5 h, 45 min).",
    )


def _money_error(text: str) -> AmountParseError:
    return AmountParseError(
        f"Montant ambigu ou invalide : « {text.strip()[:40]} » (exemples : 12,50 €, 1 234 €).",
        f"Ambiguous or invalid amount: '{text.strip()[:40]}' (examples: 12,50 €, 1 234 €).",
    )
