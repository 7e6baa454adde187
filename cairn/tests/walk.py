"""The demo walk: a persona starts at their home page and follows every same-site link it can
reach (GET only), a few pages per URL shape, and each page is checked as a newcomer would see
it. Used by `test_demo_walk.py` on both databases."""

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.apps import apps
from django.test import Client
from django.urls import Resolver404, resolve

from cairn.tests.page_forms import page_forms

# Links a walk never follows: they end the session or leave on purpose, or switch the language
# the rest of the walk would be read in.
NOT_FOLLOWED = (
    re.compile(r"^/accounts/logout/"),
    re.compile(r"^/me/language/"),
    re.compile(r"^/static/"),
)
PAGES_PER_SHAPE = 2
MAX_PAGES = 400

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
UNDASHED_UUID = re.compile(r"(?<![0-9a-zA-Z])[0-9a-f]{32}(?![0-9a-zA-Z])")
SNAKE_CASE = re.compile(r"(?<![\w/.@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/@-])")
# Python's None where a value should be: a whole text on its own, or after a label's colon.
# ("None named yet." and a choice labelled "None" are English.)
NONE_VALUE = re.compile(r"^None$|:\s*None(?![\w -])")


def dotted_names() -> re.Pattern[str]:
    """`encounters.timeline`-like tokens: an app label, a dot and a name (stored target types,
    model labels); built from the installed apps so a new app is covered without a change."""
    labels = "|".join(sorted(re.escape(config.label) for config in apps.get_app_configs()))
    return re.compile(rf"(?<![\w.])(?:{labels})\.[a-z_]+(?![\w])")


def shape(url: str) -> str:
    """A URL with its ids blanked and its query reduced to its keys: the page's kind."""
    parts = urlsplit(url)
    path = UUID.sub("<id>", parts.path)
    path = re.sub(r"/\d+(?=/|$)", "/<n>", path)
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + (f"?{'&'.join(keys)}" if keys else "")


class _Page(HTMLParser):
    """What a person sees of a page: its text (no scripts or styles), its h1s and its links.

    Text in <code>, <kbd> and <samp> is left out of `text`: there a page shows a technical name
    on purpose (a CSV column in the data dictionary, a command to run)."""

    SKIPPED = {"script", "style", "noscript", "template", "code", "kbd", "samp"}
    # Inside these, "None" is a choice's own label, not a missing value.
    LABELS = {"option", "label"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.h1 = 0
        self.links: list[str] = []
        self.text: list[str] = []
        self.none_values = 0
        self._skipping = 0
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self._skipping += 1
        if tag not in VOID:
            self._open.append(tag)
        if tag == "h1":
            self.h1 += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED and self._skipping:
            self._skipping -= 1
        if tag in self._open:
            while self._open and self._open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        self.text.append(data)
        if not self.LABELS.intersection(self._open) and NONE_VALUE.search(data.strip()):
            self.none_values += 1


VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Walk:
    """Every page a persona reached: problems found, and one example URL per shape."""

    persona: str
    visited: dict[str, int] = field(default_factory=dict)  # url: status
    examples: dict[str, str] = field(default_factory=dict)  # shape: first HTML page of it
    problems: list[str] = field(default_factory=list)

    def report(self) -> str:
        return f"{self.persona}: {len(self.problems)} problems\n  " + "\n  ".join(self.problems)


def internal_codes(text: str, dotted: re.Pattern[str]) -> list[str]:
    """Stored codes and raw ids in what a person reads."""
    found: list[str] = []
    for pattern in (SNAKE_CASE, dotted, UUID, UNDASHED_UUID):
        found += [m.group(0) for m in pattern.finditer(text)]
    return found


def page_problems(html: str, dotted: re.Pattern[str]) -> tuple[list[str], list[str]]:
    """A page's problems as a newcomer would see them, and its links."""
    page = _Page()
    page.feed(html)
    problems = []
    if page.h1 != 1:
        problems.append(f"{page.h1} <h1> elements (one wanted)")
    codes = internal_codes(" ".join(" ".join(page.text).split()), dotted)
    if codes:
        problems.append(f"shows internal codes {sorted(set(codes))[:8]}")
    if page.none_values:
        problems.append(f"shows None where a value belongs ({page.none_values} times)")
    return problems, page.links


def unkeyed_forms(html: str, path: str) -> list[str]:
    """A form that asks something and posts to a view that creates once per form
    (`lib.once.one_time_submit`) must carry its one-time key, or sending it twice makes two."""
    problems = []
    for form in page_forms(html):
        if form.method != "post" or not form.asks:
            continue
        target = urlsplit(urljoin(path, form.action or path)).path
        try:
            view = resolve(target).func
        except Resolver404:
            continue
        key = form.value("submit_key") or ""
        if getattr(view, "cairn_one_time", False) and not UUID.fullmatch(key):
            problems.append(f"a form posting to {target} has no one-time key")
    return problems


def walk(client: Client, persona: str, start: str = "/") -> Walk:
    """Follow every same-site link from `start` as `client`'s signed-in persona."""
    result = Walk(persona)
    dotted = dotted_names()
    queue: deque[str] = deque([start])
    per_shape: dict[str, int] = {}
    while queue and len(result.visited) < MAX_PAGES:
        url = queue.popleft()
        if url in result.visited:
            continue
        response = client.get(url)
        result.visited[url] = response.status_code
        if response.status_code >= 500:
            result.problems.append(f"{url}: answered {response.status_code}")
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            _enqueue(urljoin(url, response["Location"]), queue, per_shape, result)
            continue
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or not content_type.startswith("text/html"):
            continue
        html = response.content.decode()
        problems, links = page_problems(html, dotted)
        problems += unkeyed_forms(html, urlsplit(url).path)
        result.problems += [f"{url}: {problem}" for problem in problems]
        if not response.get("Content-Disposition", "").startswith("attachment"):
            result.examples.setdefault(shape(url), url)  # a download is not a page to audit
        for href in links:
            _enqueue(urljoin(url, href), queue, per_shape, result)
    return result


def _enqueue(url: str, queue: deque[str], per_shape: dict[str, int], result: Walk) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return  # another site (the quick exit, 988's site), or mailto:, tel:, sms:
    path = parts.path or "/"
    if any(rule.match(path) for rule in NOT_FOLLOWED):
        return
    query = urlencode(parse_qsl(parts.query, keep_blank_values=True))
    local = path + (f"?{query}" if query else "")
    if local in result.visited or local in queue:
        return
    kind = shape(local)
    if per_shape.get(kind, 0) >= PAGES_PER_SHAPE:
        return
    per_shape[kind] = per_shape.get(kind, 0) + 1
    queue.append(local)
