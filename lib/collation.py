"""Names that sort and match the way people read them: "Ángel" sorts with A and "angel" finds it.

Two stored columns beside a name, written whenever the row is written (like the keyed hashes of
`lib.blind_index`, whose field machinery they share, so `update()`, `save(update_fields=...)`
and the backfill keep them in step):

- a sort key: the Unicode Collation Algorithm's primary weights (pyuca, the DUCET table), each
  as four hex digits. Primary weights ignore case and accents and place letters of every script
  where the table puts them ("Ł" with L). Hex digits compare the same byte by byte and in any
  database collation, so SQL `ORDER BY` gives the same order on PostgreSQL and SQLite and lists
  stay paginated in SQL.
- a folded form for search: compatibility-decomposed, combining marks removed, case-folded
  ("Ángel" -> "angel"), matched with a plain `contains`. A name with nothing left after
  folding (only combining accents) keeps its case-folded self, so it can still be found.
"""

import unicodedata
from functools import lru_cache
from typing import Any

from lib.blind_index import KeyedHashField

SORT_KEY_LENGTH = 480  # four hex digits per weight: 120 letters' worth
FOLDED_LENGTH = 240


@lru_cache(maxsize=1)
def _collator() -> Any:
    import pyuca  # loads the DUCET table once (a fifth of a second)

    return pyuca.Collator()


def folded(text: str) -> str:
    """Case and accents never matter; spacing collapses ("  Ángel  María" -> "angel maria")."""
    text = " ".join(str(text or "").split())
    decomposed = unicodedata.normalize("NFKD", text)
    bare = " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())
    return (bare or text).casefold()


def sort_key(text: str) -> str:
    """The primary collation weights of `text`, as a string that sorts bytewise. A name made only
    of ignorable characters (combining accents alone) has an empty key and sorts first."""
    text = " ".join(str(text or "").split())
    if not text:
        return ""
    elements = _collator().collation_elements(unicodedata.normalize("NFD", text))
    weights = [element[0] for element in elements if element and element[0]]
    return "".join(f"{weight:04x}" for weight in weights)[:SORT_KEY_LENGTH]


class SortKeyField(KeyedHashField):
    """The collation sort key of another field's value, computed whenever the row is written."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", SORT_KEY_LENGTH)
        super().__init__(*args, **kwargs)

    def hash_for(self, value: Any) -> str:
        return sort_key(value or "")


class FoldedTextField(KeyedHashField):
    """Another field's value with case and accents folded away, for search."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", FOLDED_LENGTH)
        super().__init__(*args, **kwargs)

    def hash_for(self, value: Any) -> str:
        return folded(value or "")[:FOLDED_LENGTH]
