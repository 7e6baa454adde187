"""Helpers for the browser tests: one headless Chromium, axe-core audits, keyboard moves.

Playwright's sync API runs an event loop in the main thread; Django refuses ORM calls
from a thread with a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set, so the test
module sets it before any fixture touches the database.
"""

import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    ViewportSize,
    sync_playwright,
)

from cairn.demo import DemoWorld, build_demo

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
TIMEOUT_MS = 10_000
UUID_PATH = re.compile(
    r"/participants/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/$"
)

# What document.activeElement is, in terms a person would recognise.
ACTIVE_ELEMENT_JS = """() => {
  const el = document.activeElement;
  if (!el) { return null; }
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id || "",
    name: el.getAttribute("name") || "",
    type: el.getAttribute("type") || "",
    // Button-like inputs only: never echo what was typed into a field.
    text: (el.innerText || (["submit", "button"].includes(el.type) ? el.value : "") || "").trim(),
    href: el.getAttribute("href") || "",
  };
}"""

RUN_AXE_JS = """async (tags) => {
  const results = await window.axe.run(document, {
    runOnly: { type: "tag", values: tags },
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
  }));
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "Debian's chromium is not installed (/usr/bin/chromium); browsers are never downloaded"
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(name="browser_demo")
def browser_demo_fixture() -> DemoWorld:
    """The demo contract as the browser tests see it: seed 3, dates around today."""
    return build_demo(participants=12, seed=3)


# Fixtures carry a name= so that test modules import them under a different name and the
# test functions' `session` / `narrow_session` parameters shadow nothing.
@pytest.fixture(name="session")
def session_fixture(
    browser: Browser, live_server: Any, browser_demo: DemoWorld
) -> Iterator["Session"]:
    s = open_session(browser, live_server.url)
    yield s
    s.context.close()


@pytest.fixture(name="narrow_session")
def narrow_session_fixture(
    browser: Browser, live_server: Any, browser_demo: DemoWorld
) -> Iterator["Session"]:
    s = open_session(browser, live_server.url, viewport={"width": 360, "height": 740})
    yield s
    s.context.close()


@dataclass
class Session:
    """One browser context and page, with everything the page complained about."""

    base_url: str
    context: BrowserContext
    page: Page
    console_errors: list[str] = field(default_factory=list)
    axe_findings: list[str] = field(default_factory=list)
    # Documents we asked for knowing they answer 4xx (Chromium logs those as console errors).
    expected_error_urls: set[str] = field(default_factory=set)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def goto(self, path: str) -> Any:
        return self.page.goto(self.url(path))

    def goto_error_page(self, path: str) -> Any:
        """Open a page that is meant to answer with an error status (e.g. the 404 page)."""
        self.expected_error_urls.add(self.url(path))
        return self.goto(path)

    @property
    def path(self) -> str:
        return re.sub(r"^https?://[^/]+", "", self.page.url)

    def h1(self) -> str:
        return self.page.locator("h1").first.inner_text().strip()

    def sign_in(self, username: str, password: str) -> None:
        """Sign in through the real form (by mouse-free fills; the keyboard journey is separate)."""
        self.goto("/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Sign in").click()
        assert not self.path.startswith("/accounts/login/"), (
            f"sign-in as {username} stayed on the login page: {self.h1()!r}"
        )

    def open_portal_menu(self) -> None:
        """In the portal, the navigation and Sign out sit in the Menu: open it, as a person
        would (nothing to do on staff pages or when it is open)."""
        menu = self.page.locator("details.portal-menu:not([open]) > summary")
        if menu.count():
            menu.click()

    def sign_out(self) -> None:
        self.open_portal_menu()
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Sign out").click()

    # --- keyboard -------------------------------------------------------------------------

    def focused(self) -> dict[str, str] | None:
        return self.page.evaluate(ACTIVE_ELEMENT_JS)

    def tab_until(
        self,
        wanted: Callable[[dict[str, str]], bool],
        description: str,
        max_tabs: int = 60,
        key: str = "Tab",
    ) -> dict[str, str]:
        """Press Tab (or Shift+Tab) until the focused element matches; fail with the order seen."""
        seen: list[str] = []
        for _ in range(max_tabs):
            self.page.keyboard.press(key)
            element = self.focused()
            if element and wanted(element):
                return element
            seen.append(describe(element))
        pytest.fail(
            f"{description}: not reached after {max_tabs} Tab presses on {self.path}. "
            f"Focus order: {' -> '.join(seen)}"
        )

    # --- audits ---------------------------------------------------------------------------

    def audit(self, label: str | None = None) -> None:
        """Run axe-core on the current page; remember serious and critical violations."""
        label = label or self.path
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            # Evaluated through the DevTools protocol, so the page's CSP (script-src 'self')
            # does not apply, unlike a <script> tag added to the page.
            self.page.evaluate(_axe_source())
            assert self.page.evaluate("() => typeof window.axe.run === 'function'"), (
                "axe-core did not load into the page"
            )
        violations = self.page.evaluate(RUN_AXE_JS, AXE_TAGS)
        for v in violations:
            if v["impact"] in BLOCKING_IMPACTS:
                targets = ", ".join(v["targets"][:5])
                more = f" (+{len(v['targets']) - 5} more)" if len(v["targets"]) > 5 else ""
                self.axe_findings.append(
                    f"{label}: [{v['impact']}] {v['id']} - {v['help']} -> {targets}{more}"
                )

    def assert_clean(self) -> None:
        problems: list[str] = []
        if self.axe_findings:
            problems.append(
                "axe-core serious/critical violations:\n  " + "\n  ".join(self.axe_findings)
            )
        if self.console_errors:
            problems.append(
                "console errors / CSP violations:\n  " + "\n  ".join(self.console_errors)
            )
        assert not problems, "\n".join(problems)


def describe(element: dict[str, str] | None) -> str:
    if not element:
        return "(nothing)"
    bits = element["tag"]
    if element["id"]:
        bits += f"#{element['id']}"
    if element["name"]:
        bits += f"[name={element['name']}]"
    if element["text"]:
        bits += f" {element['text'][:30]!r}"
    return bits


def named(name: str) -> Callable[[dict[str, str]], bool]:
    """A tab_until test: the focused element has this name attribute."""
    return lambda el: el["name"] == name


def with_id(element_id: str) -> Callable[[dict[str, str]], bool]:
    """A tab_until test: the focused element has this id."""
    return lambda el: el["id"] == element_id


def assert_no_horizontal_scroll(session: Session, label: str) -> None:
    widths = session.page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= 360, f"{label}: scrollWidth {widths[0]} > 360 (clientWidth {widths[1]})"


_AXE_SOURCE: list[str] = []


def _axe_source() -> str:
    if not _AXE_SOURCE:
        if not AXE_PATH.exists():
            pytest.fail(f"{AXE_PATH} is missing; run `npm ci`")
        _AXE_SOURCE.append(AXE_PATH.read_text(encoding="utf-8"))
    return _AXE_SOURCE[0]


def open_session(browser: Browser, base_url: str, viewport: ViewportSize | None = None) -> Session:
    context = browser.new_context(
        viewport=viewport or {"width": 1280, "height": 900}, locale="en-US"
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    session = Session(base_url=base_url, context=context, page=page)

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        source = message.location.get("url", "")
        if "Failed to load resource" in message.text and source in session.expected_error_urls:
            return
        session.console_errors.append(f"{session.path}: {message.text} ({source})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: session.console_errors.append(f"{session.path}: {error}"))
    return session
