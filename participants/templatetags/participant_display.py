"""Display filters and tags for participant pages."""

import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from lib.collation import folded
from lib.html_text import escape_text
from lib.phones import for_display
from lib.urls import IdUrl
from lib.when import show_date
from participants.languages import language_name
from participants.models import AgeRange, ContactChannel, Participant

register = template.Library()

# The fixed words of a reach line, translated once per language: Today and the caseload list
# show one line per person, and a gettext call per word per row was most of their rendering.
_REACH_WORDS: dict[str | None, dict[str, Any]] = {}


def _reach_words() -> dict[str, Any]:
    language = get_language()
    words = _REACH_WORDS.get(language)
    if words is None:
        words = {
            "channels": {value: escape(str(label)) for value, label in ContactChannel.choices},
            "none": gettext("No preference recorded"),
            "safe": gettext("safe times:"),
            "voicemail_ok": gettext("voicemail OK"),
            "no_voicemail": gettext("no voicemail"),
            "no_name": gettext("don't name the organization"),
            "interpreter": gettext("interpreter:"),
            "prefers": gettext("prefers"),
        }
        # As `{% translate %}` prints a literal's translation: trusted, not escaped.
        for key in (
            "none",
            "safe",
            "voicemail_ok",
            "no_voicemail",
            "no_name",
            "interpreter",
            "prefers",
        ):
            words[key] = mark_safe(words[key])  # noqa: S308
        _REACH_WORDS[language] = words
    return words


@register.simple_tag
def reach(p: Participant) -> SafeString:
    """How to reach someone: their channels in order, safe times, voicemail, whether the
    organization may be named. The one source of `participants/_reach.html`."""
    words = _reach_words()
    channels = words["channels"]
    labels = [channels[c] for c in p.contact_channels if c in channels]
    parts = [", ".join(labels) if labels else words["none"]]
    spoken = language_line(p, words)
    if spoken:
        parts.insert(0, spoken)
    if p.safe_times:
        parts.append(f"{words['safe']} {escape(p.safe_times)}")
    parts.append(words["voicemail_ok"] if p.voicemail_ok else words["no_voicemail"])
    if not p.organization_name_ok:
        parts.append(words["no_name"])
    return mark_safe('<span class="reach">' + " · ".join(parts) + "</span>")  # noqa: S308  # escaped above


def language_line(p: Participant, words: dict[str, Any]) -> str:
    """ "interpreter: Vietnamese", or "prefers Spanish"; nothing for English or when the row was
    read without its language columns."""
    language = _loaded(p, "preferred_language") or ""
    if _loaded(p, "needs_interpreter"):
        wanted = _loaded(p, "interpreter_language") or language
        return f"<strong>{words['interpreter']} {escape(language_name(wanted))}</strong>"
    if language and language != "en":
        return f"{words['prefers']} {escape(language_name(language))}"
    return ""


@register.filter
def language(code: str) -> str:
    """An ISO 639 code by its name in the reader's language ("vi" -> "Vietnamese")."""
    return language_name(code) if code else ""


@register.filter
def phone(e164: str) -> str:
    """A stored E.164 number the way people in the program's region write it."""
    return for_display(e164)


# --- telling people apart -----------------------------------------------------------------

# Eight calm colours, none a warning colour, each with white text above 4.5:1 (cairn.css).
MARK_COLOURS = 8
_AGE_BANDS = ((16, 24), (25, 34), (35, 44), (45, 54), (55, 64))


def _loaded(p: Participant, name: str) -> Any:
    """A column's value if the row carries it, else None: a label never costs a query."""
    if name in p.__dict__:
        return p.__dict__[name]
    return None


def mark_colour(p: Participant) -> int:
    """Stable per person (from the record id), the same on every page and every day."""
    return zlib.crc32(str(p.pk).encode()) % MARK_COLOURS


def mark_letter(name: str) -> str:
    """The first letter or digit of the name, or a dot for a name without one (emoji only)."""
    for ch in name:
        if unicodedata.category(ch)[0] in "LN":
            return ch.upper()
    return "•"


def family_initial(legal_name: str | None) -> str:
    """The first letter of the last word of the legal name: enough to tell two Johns apart, not
    the name itself (the legal name is encrypted and shown only on the record)."""
    words = (legal_name or "").split()
    if len(words) < 2:
        return ""
    letter = mark_letter(words[-1])
    return "" if letter == "•" else f"{letter}."


# Each age band's words, per language: a list of fifty people asks for them fifty times.
_AGE_WORDS: dict[str | None, dict[str, str]] = {}


def _age_words(language: str | None) -> dict[str, str]:
    words = _AGE_WORDS.get(language)
    if words is None:
        words = _AGE_WORDS[language] = {value: str(label) for value, label in AgeRange.choices}
    return words


def _age_band(born: date | None, stored: str | None, today: date, language: str | None) -> str:
    words = _age_words(language)
    if born is not None:
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        for low, high in _AGE_BANDS:
            if low <= age <= high:
                return words[f"{low}-{high}"]
        return words[AgeRange.R65] if age >= 65 else ""
    return words.get(stored, "") if stored else ""


@dataclass(frozen=True)
class PersonLabel:
    """A person's label as rows write it: the mark, the name with its family initial, and the
    details (pronouns, age band), each escaped once; `reads` is how it reads, folded, for telling
    alike labels apart."""

    mark_html: str
    name_html: str
    details_html: tuple[str, ...]
    reads: tuple[str, ...]


# What a label is written from, beside the day and the language: the row's own columns.
def _label_columns(p: Participant) -> tuple[Any, ...]:
    values = p.__dict__
    return (
        p.preferred_name,
        values.get("legal_name"),
        values.get("pronouns") or "",
        values.get("date_of_birth"),
        values.get("age_range"),
    )


# Each label worked out once per process and day: Today asks for the same 250 people's labels on
# every visit, and folding a name for comparison is most of the cost of one.
@lru_cache(maxsize=20_000)
def _label(
    name: str,
    legal_name: str | None,
    pronouns: str,
    born: date | None,
    stored_age: str | None,
    today: date,
    language: str | None,
) -> PersonLabel:
    details = tuple(
        d
        for d in (f"({pronouns})" if pronouns else "", _age_band(born, stored_age, today, language))
        if d
    )
    initial = family_initial(legal_name)
    name_html = f"<bdi>{escape_text(name)}</bdi>"
    if initial:
        name_html = f"{name_html} {escape_text(initial)}"
    return PersonLabel(
        mark_html=escape_text(mark_letter(name)),
        name_html=name_html,
        details_html=tuple(escape_text(d) for d in details),
        reads=(folded(f"{name} {initial}"), *(folded(d) for d in details)),
    )


def record_ending(p: Participant) -> str:
    """The last four characters of the record id: what tells apart two rows that read the same."""
    return str(p.pk).replace("-", "")[-4:]


class _Labels:
    """What the labels of one rendering share: its day, each person's label worked out once,
    and which people of a list read alike."""

    def __init__(self) -> None:
        self.today = timezone.localdate()
        self.language = get_language()
        # By the row's id(), with the row itself kept so that no other object takes its id.
        self.labels: dict[int, tuple[Participant, PersonLabel]] = {}
        self.alike: dict[int, set[Any]] = {}

    def of(self, p: Participant) -> PersonLabel:
        known = self.labels.get(id(p))
        if known is None:
            label = _label(*_label_columns(p), self.today, self.language)
            known = self.labels[id(p)] = (p, label)
        return known[1]

    def alike_in(self, among: Any) -> set[Any]:
        """The ids in `among` whose label reads like another one's, worked out once per list."""
        key = id(among)
        if key not in self.alike:
            seen: dict[tuple[str, ...], list[Any]] = {}
            for item in among:  # participants, or rows that carry one (Today, the inbox)
                person = item if isinstance(item, Participant) else item.participant
                seen.setdefault(self.of(person).reads, []).append(person.pk)
            self.alike[key] = {pk for pks in seen.values() if len(pks) > 1 for pk in pks}
        return self.alike[key]


def _labels(context: template.Context) -> _Labels:
    render_context: Any = context.render_context  # a per-render dict (stubs type it narrowly)
    shared = render_context.get("person_labels")
    if shared is None:
        shared = render_context["person_labels"] = _Labels()
    return shared


@register.simple_tag(takes_context=True)
def person_label(
    context: template.Context, p: Participant, href: str = "", among: Any = None
) -> SafeString:
    """Who a row is about, the same way everywhere: a decorative initial mark, the name they go
    by with their family initial, pronouns and age band; and, when another person in `among`
    would read the same, the end of the record id. Reads only columns the row already carries."""
    return _label_html(_labels(context), p, href, among)


def person_labels(people: Sequence[Participant], hrefs: Sequence[str]) -> list[SafeString]:
    """`{% person_label p href=... among=people %}` for each person of a list, from Python: the
    rows of long lists (Today's) carry their labels ready, so the template only prints them."""
    labels = _Labels()
    return [_label_html(labels, p, href, people) for p, href in zip(people, hrefs, strict=True)]


def _label_html(labels: _Labels, p: Participant, href: str, among: Any) -> SafeString:
    """Written as one string (every value escaped): a page can hold a few hundred labels."""
    label = labels.of(p)
    name = label.name_html
    if href:
        name = f'<a href="{escape_text(href)}">{name}</a>'
    details = label.details_html
    if among is not None and p.pk in labels.alike_in(among):
        ending = gettext("record ending %(end)s") % {"end": record_ending(p)}
        details = (*details, escape_text(ending))
    shown = (
        f'<span class="person-mark person-mark-{mark_colour(p)}" aria-hidden="true">'
        f"{label.mark_html}</span> {name}"
    )
    if details:
        shown = f'{shown} <span class="muted person-details">{" · ".join(details)}</span>'
    return mark_safe(f'<span class="person">{shown}</span>')  # noqa: S308  # escaped above


@register.simple_tag(takes_context=True)
def caseload_rows(context: template.Context, people: Sequence[Participant]) -> SafeString:
    """The caseload table's rows, written in Python (a page of people, each with a label, how
    to reach them, their coach for those who see several coaches', and their dates)."""
    people = list(people)
    detail = IdUrl("participants:detail")
    labels = person_labels(people, [detail(p.id) for p in people])
    with_coach = context.get("current_role") != "coach"
    open_statuses = context.get("open_statuses") or ()
    cutoff = context.get("quiet_cutoff")
    a_while = escape_text(gettext("a while since contact"))
    rows = []
    for p, label in zip(people, labels, strict=True):
        coach = ""
        if with_coach:
            coach = f"<td>{escape_text((p.coach.display_name if p.coach else '') or '—')}</td>"
        last = escape_text(show_date(p.last_contact_on) or "—")
        since = getattr(p, "since_contact", None)
        if (
            p.status in open_statuses
            and since is not None
            and cutoff is not None
            and since <= cutoff
        ):
            last = f'{last}<br><span class="muted">{a_while}</span>'
        rows.append(
            f"\n  <tr>\n    <td>{label}</td>\n    <td>{reach(p)}</td>\n    {coach}\n    "
            f"<td>{last}</td>\n    <td>{escape_text(show_date(p.next_contact_on) or '—')}</td>\n"
            f"    <td>{escape_text(p.get_status_display())}</td>\n  </tr>\n  "
        )
    return mark_safe("".join(rows))  # noqa: S308  # every value escaped above
