"""Spreadsheet cells that cannot run as formulas: neutralise on export, restore on import."""

from typing import Any

# A spreadsheet treats a cell starting with one of these as a formula (or, for tab and carriage
# return, lets a following character start one). OWASP's CSV-injection advice: prefix a quote.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_STARTS = frozenset(TRIGGERS)


def neutralise(value: Any) -> Any:
    """A text cell that could start a formula gets one leading quote; other values are unchanged.

    Numbers stay numbers (a negative number is not text and cannot carry a formula), so only
    strings are touched: "-2" as text becomes "'-2", -2 as an int stays -2.
    """
    if isinstance(value, str) and value[:1] in _STARTS:
        return QUOTE + value
    return value


def restore(value: Any) -> Any:
    """Undo `neutralise` exactly: strip one leading quote only when what follows is a trigger, so
    a round trip is lossless and a cell the person typed as "'hello" keeps its quote."""
    if isinstance(value, str) and value.startswith(QUOTE) and value[1:].startswith(TRIGGERS):
        return value[1:]
    return value
