"""Plain language, measured: the visible English text of every portal page, as Pat sees it.

The issue asks for "a reading level of about grade 6". Flesch-Kincaid grade (textstat) is the
measure: it counts words per sentence and syllables per word, which is what makes text hard for
a tired, worried or new reader. The thresholds:

- each page at most grade 7.0: one grade of room above the aim, because a page with few
  sentences swings a lot when a single long word ("confidential", "information") appears;
- the average over all pages at most grade 6.5: the portal as a whole reads at about grade 6.

The person's own words (goals, notes, messages, safety plan, names) are removed before measuring:
they are theirs, not ours to simplify. Each list item, heading, label and button counts as its
own sentence, the way a reader meets it. Run with -s to see the figures per page.

Syllables are counted with pyphen's hyphenation dictionary, which ships inside the package.
textstat would otherwise download NLTK's CMU dictionary on first use, and tests make no network
requests.
"""

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
import textstat
from django.db import models

from portal.tests.pages import ENTRY_PAGES, pat, portal_pages

pytestmark = pytest.mark.django_db

PAGE_LIMIT = 7.0
AVERAGE_LIMIT = 6.5

BLOCKS = {
    "p", "li", "h1", "h2", "h3", "h4", "td", "th", "label", "legend", "button", "summary",
    "dt", "dd", "caption", "option", "div", "section", "a", "table", "tr", "ul", "ol",
}  # fmt: skip
SKIPPED = {"script", "style", "template", "textarea", "select"}


class VisibleText(HTMLParser):
    """The text inside <main>, one sentence per block (a list item or a button is read alone)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth_main = 0
        self.skipping = 0
        self.chunks: list[str] = [""]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.depth_main += 1
        if tag in SKIPPED:
            self.skipping += 1
        if tag in BLOCKS:
            self.chunks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.depth_main -= 1
        if tag in SKIPPED:
            self.skipping -= 1
        if tag in BLOCKS:
            self.chunks.append("")

    def handle_data(self, data: str) -> None:
        if self.depth_main and not self.skipping:
            self.chunks[-1] += data

    def sentences(self) -> list[str]:
        out = []
        for chunk in self.chunks:
            text = " ".join(chunk.split())
            if not re.search(r"[A-Za-z]{2}", text):
                continue
            out.append(text if text[-1] in ".!?:" else text + ".")
        return out


def own_words() -> list[str]:
    """Every piece of free text stored about Pat, two relations deep (their goals and steps,
    notes, safety plan versions, messages, names); choice values are ours and stay measured."""
    me = pat()
    found: set[str] = {me.preferred_name}
    if me.coach:
        found.update({me.coach.display_name, me.coach.display_name.split()[0]})
    items: list[Any] = [me, me.organization]
    for _depth in range(2):
        children = []
        for item in items:
            children.extend(related_rows(item))
        items.extend(children)
    for item in items:
        for field in item._meta.concrete_fields:
            if field.choices or not isinstance(
                field, models.CharField | models.TextField | models.JSONField
            ):
                continue
            collect(getattr(item, field.attname), found)
    # Single words are kept unless they are names: they are often our own labels too.
    return sorted(
        (w for w in found if len(w) > 2 and (" " in w or w[0].isupper())), key=len, reverse=True
    )


def related_rows(item: Any) -> list[Any]:
    rows: list[Any] = []
    for relation in item._meta.related_objects:
        accessor = relation.get_accessor_name()
        if accessor is None:
            continue
        try:
            related = getattr(item, accessor)
        except models.ObjectDoesNotExist:
            continue
        rows.extend(related.all()[:50] if hasattr(related, "all") else [related])
    return rows


def collect(value: Any, found: set[str]) -> None:
    if isinstance(value, str) and value[:1] in "{[":
        try:
            collect(json.loads(value), found)
            return
        except ValueError:
            pass
    if isinstance(value, str):
        found.add(value)
        found.update(line.strip() for line in value.splitlines() if line.strip())
    elif isinstance(value, dict):
        for v in value.values():
            collect(v, found)
    elif isinstance(value, list):
        for v in value:
            collect(v, found)


def page_text(html: str, theirs: list[str]) -> str:
    parser = VisibleText()
    parser.feed(html)
    text = " ".join(parser.sentences())
    for words in theirs:
        text = re.sub(rf"(?<!\w){re.escape(words)}(?!\w)", " ", text)
    return " ".join(text.split())


def grades(client: Any, pages: list[tuple[str, str]], theirs: list[str]) -> dict[str, float]:
    found = {}
    for label, path in pages:
        response = client.get(path)
        assert response.status_code == 200, (label, path, response.status_code)
        text = page_text(response.content.decode(), theirs)
        found[label] = textstat.flesch_kincaid_grade(text)
    return found


@pytest.fixture(autouse=True)
def offline_syllables(monkeypatch) -> None:
    """No CMU dictionary (it would be downloaded): count_syllables falls back to pyphen."""
    from textstat.backend.counts import _count_syllables

    monkeypatch.setattr(_count_syllables, "get_cmudict", lambda lang: None)
    _count_syllables.count_syllables.cache_clear()


def test_every_portal_page_reads_at_about_grade_six(demo, client_for) -> None:
    from django.test import Client

    theirs = own_words()
    figures = grades(client_for("pat"), portal_pages(), theirs)
    figures.update(grades(Client(), ENTRY_PAGES, theirs))
    average = sum(figures.values()) / len(figures)
    print()
    for label, grade in figures.items():
        print(f"  grade {grade:4.1f}  {label}")
    print(f"  average {average:.2f} over {len(figures)} pages")
    too_hard = {label: grade for label, grade in figures.items() if grade > PAGE_LIMIT}
    assert not too_hard, f"pages above grade {PAGE_LIMIT}: {too_hard}"
    assert average <= AVERAGE_LIMIT
