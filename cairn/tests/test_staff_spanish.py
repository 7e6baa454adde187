"""Staff pages in Spanish (issue 28): every page of the demo walk, read by staff members whose
organization chose Spanish, has none of the interface's key English phrases left; and the Spanish
catalogue is complete (nothing empty or fuzzy, placeholders kept, every literal string of the
templates and Python code present), as the portal's test (portal/tests/test_spanish.py) checks it.

The people's own words (notes, goals, names) and instruments given in English stay English: the
phrases below are the interface's own."""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.utils import timezone

from cairn.demo import DemoWorld, build_demo, seed_tour
from cairn.tests.walk import walk

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

STAFF = ["ana", "sam", "mia", "max"]

# What a Spanish-speaking coach meets on the README's tour: navigation, headings, buttons, labels.
ENGLISH_PHRASES = [
    "Sign out",
    "Skip to main content",
    "Sign-in security",
    "Today at a glance",
    "My caseload",
    "Who has access",
    "Log a contact for",
    "Save and sign",
    "Save draft",
    "Enrol someone",
    "Recent contacts",
    "Open the recovery plan",
    "Open safety plan",
    "Strengths and milestones",
    "Recovery capital",
    "Consent and sharing",
    "Edit details",
    "Back to the overview",
    "Participant overview",
    "Brief check-in",
    "Contact note",
    "Next follow-up",
    "Last contact",
    "Add a goal",
    "Record agreement",
    "Record an assessment",
    "Reassessments due",
    "Program reports",
    "Organization settings",
    "Save settings",
    "People and roles",
    "Find participants",
    "Not in touch for a while",
    "Nothing due today",
    "Change history",
    "Who has looked",
    "Support people",
    "How they like to be reached",
    "Notes to co-sign",
    "Save changes",
    "Print view",
    "(optional)",
    "This field is required",
    "Language of your pages",
]

NAMED = re.compile(r"%\(\w+\)[sdif]|\{\w*\}")


class PageText(HTMLParser):
    """Every text a person sees on the page (no scripts, styles or technical names in <code>)."""

    SKIPPED = {"script", "style", "code", "kbd", "samp", "noscript", "template", "textarea"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skipping = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        self.parts.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1
        self.parts.append(" | ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)

    def text(self) -> str:
        return " ".join("".join(self.parts).split())


def english_left(html: str) -> list[str]:
    parser = PageText()
    parser.feed(html)
    text = parser.text()
    return [p for p in ENGLISH_PHRASES if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)]


@pytest.fixture
def spanish_harbor(db: None) -> DemoWorld:
    """The demo as the tour seeds it, with Harbor's staff pages in Spanish by default."""
    world = build_demo(participants=16, seed=1)
    seed_tour(world, anchor=timezone.localdate())
    harbor = world.organizations["harbor"]
    harbor.staff_language = "es"
    harbor.save(update_fields=["staff_language"])
    return world


def test_the_phrase_finder_finds_english_and_leaves_spanish() -> None:
    assert english_left("<nav><a>Sign out</a></nav><h1>Hoy</h1>") == ["Sign out"]
    assert english_left("<h1>Hoy</h1><code>Sign out</code><p>Salir</p>") == []
    assert english_left("<p>Guardar (opcional)</p>") == []


# A plural form chosen by a Decimal (PostgreSQL's sums) is an error in Django's next versions.
@pytest.mark.filterwarnings("error:Plural value:DeprecationWarning")
@pytest.mark.parametrize("persona", STAFF)
def test_every_staff_page_of_the_walk_is_in_spanish(
    spanish_harbor: DemoWorld, persona: str
) -> None:
    client = Client()
    client.force_login(spanish_harbor.users[persona])
    result = walk(client, f"{persona} (es)")
    assert len(result.visited) >= 5, sorted(result.visited)
    assert not result.problems, result.report()
    checked = 0
    left: dict[str, list[str]] = {}
    for url, status in result.visited.items():
        if status != 200:
            continue
        response = client.get(url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        if response.get("Content-Disposition", "").startswith("attachment"):
            continue
        html = response.content.decode()
        assert '<html lang="es">' in html, url
        checked += 1
        found = english_left(html)
        if found:
            left[url] = found
    assert checked >= 5
    assert not left, f"{persona}: English left on staff pages: {left}"


def test_the_spanish_catalogue_has_no_empty_or_fuzzy_entry_and_keeps_placeholders() -> None:
    po = polib.pofile(str(PO))
    keys = [(entry.msgctxt, entry.msgid) for entry in po]
    assert len(keys) == len(set(keys)), "a msgid is in the catalogue twice"
    assert not po.fuzzy_entries()
    assert not [entry.msgid for entry in po.untranslated_entries()]
    wrong = []
    for entry in po:
        if entry.msgid_plural:
            english = sorted(set(NAMED.findall(entry.msgid_plural)))
            forms = [entry.msgstr_plural[1]]
        else:
            english = sorted(NAMED.findall(entry.msgid))
            forms = [entry.msgstr]
        for form in forms:
            spanish = sorted(set(NAMED.findall(form))) if entry.msgid_plural else None
            if entry.msgid_plural and spanish != english:
                wrong.append(entry.msgid)
            if not entry.msgid_plural and sorted(NAMED.findall(form)) != english:
                wrong.append(entry.msgid)
    assert not wrong, f"placeholders differ between English and Spanish: {wrong[:10]}"


def test_the_committed_mo_matches_the_po() -> None:
    po = polib.pofile(str(PO))
    mo = polib.mofile(str(MO))

    def catalogue(entries: list[polib.POEntry] | polib.MOFile) -> dict:
        return {
            (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in entries
            if e.msgid
        }

    assert catalogue(mo) == catalogue(po.translated_entries())


TEMPLATE_STRING = re.compile(r"""\{%\s*(?:translate|trans)\s+"([^"\\]+)"\s*(?:as\s+\w+\s*)?%\}""")
APPS = [
    path
    for path in ROOT.iterdir()
    if (path / "apps.py").exists() or path.name in ("templates", "lib", "cairn")
]


def literal_strings() -> set[str]:
    """The simple literal strings of every template's {% translate "…" %} and every Python
    `_("…")` / `gettext("…")` / `gettext_lazy("…")`: what makemessages would collect for them."""
    found: set[str] = set()
    for app in APPS:
        for path in app.rglob("*.html"):
            found.update(TEMPLATE_STRING.findall(path.read_text(encoding="utf-8")))
        for path in app.rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "gettext", "gettext_lazy", "gettext_noop", "ngettext")
                    and len(node.args) == 1
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    found.add(node.args[0].value)
    return found


def test_every_literal_interface_string_has_its_spanish() -> None:
    """A string added to a template or to Python code without its Spanish entry fails here,
    so no staff page drifts back into English (add the entry by hand, then compile)."""
    po = polib.pofile(str(PO))
    translated = {entry.msgid for entry in po if not entry.msgctxt and entry.translated()}
    strings = literal_strings()
    assert len(strings) > 1000
    missing = sorted(s for s in strings if s and s not in translated)
    assert not missing, f"{len(missing)} strings without Spanish, e.g. {missing[:10]}"


TU_PO = ROOT / "locale" / "es_X-tu" / "LC_MESSAGES" / "django.po"


def test_the_tu_catalogue_only_overrides_sentences_of_the_spanish_one() -> None:
    """Spanish that says tú (es-x-tu) changes only sentences that address the reader: each of
    its entries is in the main catalogue with the same placeholders, and its .mo is current."""
    main = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(PO))}
    tu = polib.pofile(str(TU_PO))
    assert len(tu) > 250
    assert not tu.fuzzy_entries() and not tu.untranslated_entries()
    for entry in tu:
        source = main[(entry.msgctxt, entry.msgid)]
        assert entry.msgid_plural == source.msgid_plural
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        wanted = sorted(set(NAMED.findall(entry.msgid_plural or entry.msgid)))
        assert all(sorted(set(NAMED.findall(form))) == wanted for form in forms), entry.msgid
        assert not re.search(r"\busted\b", " ".join(forms), re.I), entry.msgid
    mo = polib.mofile(str(TU_PO.with_suffix(".mo")))
    assert {(e.msgctxt, e.msgid): e.msgstr for e in mo if e.msgid} == {
        (e.msgctxt, e.msgid): e.msgstr for e in tu
    }
