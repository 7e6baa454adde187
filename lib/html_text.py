"""Escaping for HTML written in Python, where a page writes a few hundred values.

`escape_text(value)` gives what Django's `conditional_escape` gives (a value that is already
safe HTML as it is; anything else through `html.escape`), as a plain string, without the lazy
string check Django's version makes on every call (a tenth of the cost of Today's rows).
"""

from html import escape
from typing import Any


def escape_text(value: Any) -> str:
    if type(value) is str:  # the usual case: text read from the database
        return escape(value)
    html = getattr(value, "__html__", None)
    if html is not None:
        return str(html())
    return escape(str(value))
