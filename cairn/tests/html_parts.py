"""Small readers of rendered HTML for tests: links and buttons with their text, so tests assert
on what a person (or a screen reader) meets rather than on raw markup."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""  # all text inside, hidden text included (what a screen reader reads)
    visible: str = ""  # text outside `visually-hidden` spans (what the eye reads)
    parts: list[tuple[str, bool]] = field(default_factory=list)


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Reader(HTMLParser):
    def __init__(self, tags: set[str]) -> None:
        super().__init__()
        self.tags = tags
        self.found: list[Element] = []
        self.open: list[Element] = []
        self.hidden_depth: list[int] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag in VOID:
            return
        self.depth += 1
        if "visually-hidden" in values.get("class", "").split():
            self.hidden_depth.append(self.depth)
        if tag in self.tags:
            element = Element(tag, values)
            self.open.append(element)
            self.found.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if self.hidden_depth and self.hidden_depth[-1] == self.depth:
            self.hidden_depth.pop()
        self.depth -= 1
        if self.open and self.open[-1].tag == tag:
            element = self.open.pop()
            element.text = " ".join("".join(t for t, _h in element.parts).split())
            element.visible = " ".join("".join(t for t, h in element.parts if not h).split())

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.parts.append((data, bool(self.hidden_depth)))


def elements(html: str, *tags: str) -> list[Element]:
    reader = _Reader(set(tags))
    reader.feed(html)
    return reader.found


def link_targets(html: str) -> dict[str, str]:
    """Each link's address, by its text."""
    return {a.text: a.attrs.get("href", "") for a in elements(html, "a")}
