"""Languages by ISO 639 code, any of them: a participant's preferred language and the language
an interpreter needs, stored as a code ("es", "vi", "ase" for American Sign Language) and shown
by name in the reader's language. Names and their translations come from `pycountry` (the ISO
639-3 table and its gettext catalogues, shipped with the package)."""

import gettext
from functools import lru_cache

import pycountry
from django.utils import translation

# Offered first where a language is chosen: the languages most often spoken at home in the
# United States after English, and American Sign Language. Any other language can be typed.
COMMON = (
    "en", "es", "zh", "yue", "vi", "tl", "ar", "fr", "ko", "ru", "ht", "pt", "de", "hi", "pl",
    "ja", "fa", "ur", "so", "am", "ne", "uk", "ase", "nv", "hmn", "km", "bn", "pa", "gu", "sw",
    "ti", "my", "lo", "it", "el", "hy", "ro", "yi", "chk", "mh",
)  # fmt: skip


def _record(code: str) -> object | None:
    code = code.strip().lower()
    if len(code) == 2:
        return pycountry.languages.get(alpha_2=code)
    if len(code) == 3:
        return pycountry.languages.get(alpha_3=code)
    return None


def code_of(record: object) -> str:
    """The shortest code: ISO 639-1 where the language has one, else ISO 639-3."""
    return str(getattr(record, "alpha_2", None) or record.alpha_3)  # type: ignore[attr-defined]


@lru_cache(maxsize=4)
def _catalogue(language: str) -> gettext.NullTranslations:
    try:
        return gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return gettext.NullTranslations()


def language_name(code: str, language: str | None = None) -> str:
    """ "vi" -> "Vietnamese" (or "vietnamita" for a Spanish reader); a value stored before codes
    (a name typed by hand) is shown as it was written."""
    record = _record(code) if code else None
    if record is None:
        return code
    english = str(record.name)  # type: ignore[attr-defined]
    reader = (language or translation.get_language() or "en").split("-")[0]
    if reader == "en":
        return english
    return _catalogue(reader).gettext(english)


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Every language's English name, and the Spanish name of the common ones, to its code."""
    names: dict[str, str] = {}
    for record in pycountry.languages:
        names.setdefault(str(record.name).lower(), code_of(record))
    for code in COMMON:
        names.setdefault(language_name(code, "es").lower(), code)
    names.update(ALIASES)
    return names


# Names people use that the ISO table spells otherwise; they win over a code that looks alike
# ("ASL" is American Sign Language here, not the code of Asilulu).
ALIASES = {
    "american sign language": "ase", "asl": "ase", "lsa": "ase", "mandarin": "zh",
    "chinese (mandarin)": "zh", "cantonese": "yue", "haitian creole": "ht", "kreyòl": "ht",
    "creole": "ht", "farsi": "fa", "filipino": "tl", "punjabi": "pa", "burmese": "my",
}  # fmt: skip


def find_language(text: str) -> str | None:
    """The code for what someone typed: a code ("vi", "vie") or a name in English, or in
    Spanish for the common ones; None when no language has that name."""
    typed = " ".join(text.split()).strip()
    if not typed:
        return None
    if typed.lower() in ALIASES:
        return ALIASES[typed.lower()]
    record = _record(typed)
    if record is not None:
        return code_of(record)
    return _names().get(typed.lower())


def common_choices() -> list[tuple[str, str]]:
    """The common languages as (code, name in the reader's language), by name."""
    return sorted(((code, language_name(code)) for code in COMMON), key=lambda pair: pair[1])


def texts_in(participant: object) -> str:
    """The language a text to this person is written in, whoever sends it: their portal choice,
    else their preferred language where Cairn speaks it, else English. Spanish texts say tú, as
    the portal does (the "es-x-tu" catalogue)."""
    preference = getattr(participant, "portal_preference", None)
    code = getattr(preference, "language", "") or getattr(participant, "preferred_language", "")
    return "es-x-tu" if (code or "en").split("-")[0] == "es" else "en"
