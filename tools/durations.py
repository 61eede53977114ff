"""Lengths of time written for people, the same way in every table, log and guide. Standard library
only: the workshop kit, which attendees run with a bare Python, uses it."""

from typing import Literal

# Below this a tenth of a unit still tells something ("8.4 s"); above it, it is noise ("123 s").
TENTHS_BELOW = 100
# Prose counts in seconds up to here, then in minutes ("80 seconds", "2 minutes").
MINUTES_FROM = 90


def duration(seconds: float, unit: Literal["s", "min", "words"] = "s", digits: int | None = None) -> str:
    """`seconds` as "8.4 s" or "123 s", as "2.5 min" (unit "min"), or in words for prose:
    "40 seconds", from 90 seconds on "12 minutes" (unit "words").

    `digits` fixes the decimals. By default words are whole, and the symbols have one
    decimal below 100 and none from there on.
    """
    if unit == "words":
        unit = "seconds" if seconds < MINUTES_FROM else "minutes"
        digits = 0 if digits is None else digits
    value = seconds / 60 if unit in ("min", "minutes") else seconds
    if digits is None:
        digits = 1 if value < TENTHS_BELOW else 0
    return f"{value:.{digits}f} {unit}"
