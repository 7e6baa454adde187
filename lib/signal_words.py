"""Words an organization keeps that, written in a portal message, ask a coach to reach out soon.

Matching ignores case and accents ("Ayúdame" matches "ayudame") and looks at whole words only:
"die" matches "I want to die" but not "diet". A listed phrase of several words matches those
words in a row. Used by the signals slice of issue 24 when a portal message is saved.
"""

import re

from lib.collation import folded

_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORD.findall(folded(text))


def matching_words(text: str, listed: list[str]) -> list[str]:
    """The listed words or phrases found in `text`, as the organization wrote them."""
    words = _words(text)
    found: list[str] = []
    for entry in listed:
        wanted = _words(entry)
        if not wanted:
            continue
        size = len(wanted)
        if any(words[i : i + size] == wanted for i in range(len(words) - size + 1)):
            found.append(entry.strip())
    return found
