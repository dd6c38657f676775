"""Bar charts drawn on the server as SVG: readable without JavaScript, printable, and always
beside a table of the same figures for screen readers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

CHART_WIDTH: Final = 640
LABEL_WIDTH: Final = 230
VALUE_WIDTH: Final = 110
BAR_HEIGHT: Final = 18
ROW_HEIGHT: Final = 26
BARS_MAX: Final = 40


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    text: str  # The value as a person reads it (`12 h 30`, `1 234,56 €`, `7`).
    y: int = 0
    width: float = 0.0


@dataclass(frozen=True, slots=True)
class Chart:
    bars: tuple[Bar, ...]
    height: int
    width: int = CHART_WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT


def bar_chart(bars: list[Bar]) -> Chart:
    """Horizontal bars scaled to the largest value (at most BARS_MAX of them)."""
    shown = bars[:BARS_MAX]
    largest = max((bar.value for bar in shown), default=0.0)
    room = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    placed = tuple(
        Bar(
            bar.label,
            bar.value,
            bar.text,
            y=index * ROW_HEIGHT,
            width=(room * bar.value / largest) if largest > 0 else 0.0,
        )
        for index, bar in enumerate(shown)
    )
    return Chart(bars=placed, height=max(ROW_HEIGHT, len(placed) * ROW_HEIGHT))
