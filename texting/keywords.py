"""The words a person texts to stop, restart or ask about texts, in English and Spanish.

A keyword counts only as the whole message (a "stop" inside a sentence is a sentence), whatever
its case or accents, with stray spaces and end punctuation ignored: "Stop", " PARAR! ", "Ayúda".
"""

import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _


class Keyword(models.TextChoices):
    NONE = "", _("no keyword")
    STOP = "stop", _("STOP: no more texts")
    START = "start", _("START: texts again")
    HELP = "help", _("HELP: what these texts are")


WORDS: dict[str, Keyword] = {
    **dict.fromkeys(
        ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "PARAR", "ALTO", "BAJA"),
        Keyword.STOP,
    ),
    **dict.fromkeys(("START", "UNSTOP", "YES", "ALTA", "COMENZAR"), Keyword.START),
    **dict.fromkeys(("HELP", "INFO", "AYUDA"), Keyword.HELP),
}
SPANISH = frozenset({"PARAR", "ALTO", "BAJA", "ALTA", "COMENZAR", "AYUDA"})


def plain_word(body: str) -> str:
    """The message as one bare word: accents dropped, capitals, no spaces or end marks."""
    decomposed = unicodedata.normalize("NFKD", body)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.strip().strip(".!¡?¿").strip().upper()


def keyword_of(body: str) -> Keyword:
    return WORDS.get(plain_word(body), Keyword.NONE)


def in_spanish(body: str) -> bool:
    return plain_word(body) in SPANISH
