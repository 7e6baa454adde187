"""The portal's quality bar in a real browser (one headless Chromium for all of it), as Pat:

- no outside traffic: every request that leaves the loopback test server is blocked and listed,
  and the HTML names no other http(s) host (tel: and sms: links are fine);
- small screens: at 320 px wide, and with text at 200%, no page scrolls sideways;
- touch targets: every control is at least 44x44 CSS px (links inside a sentence excepted, as
  WCAG 2.5.8 allows);
- axe-core clean on every page, in English and in Spanish;
- without JavaScript, every reading page shows its content and the Help now / 988 links, and a
  check-in can be sent.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_portal_quality.py -s
"""

import os
import re
from typing import Any
from urllib.parse import urlparse

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from playwright.sync_api import Browser, Route

from cairn.demo import DEMO_PASSWORD, DemoWorld
from cairn.tests.browser_support import (  # noqa: F401 - browser and *_fixture are fixtures
    Session,
    browser,
    browser_demo_fixture,
    open_session,
)
from portal.tests.pages import ENTRY_PAGES, portal_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOOPBACK = {"localhost", "127.0.0.1", "::1", "[::1]"}
MIN_TARGET = 44
# Reading pages that must work with JavaScript off (the "works without JavaScript").
READING_PAGES = {
    "home",
    "my plan",
    "a goal",
    "safety plan",
    "my notes",
    "a note",
    "messages",
    "my record",
    "access report",
    "settings",
}
OUTSIDE_URL = re.compile(r"""(?:href|src|action|content)=["']\s*(https?:)?//([^/"'\s]+)""", re.I)

# Every control's box; links whose block has other text around them are "inline in a sentence"
# (WCAG 2.5.8's exception), and a radio or checkbox is measured by its label, which is what a
# finger actually taps.
TARGETS_JS = """(min) => {
  const small = [];
  const seen = new Set();
  const controls = document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary");
  for (const el of controls) {
    let box = el;
    if (el.matches("input[type=radio], input[type=checkbox]")) {
      box = el.closest("label") || document.querySelector(`label[for="${el.id}"]`) || el;
    }
    if (seen.has(box)) { continue; }
    seen.add(box);
    const style = getComputedStyle(box);
    if (style.visibility === "hidden" || style.display === "none") { continue; }
    const r = box.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) { continue; }
    if (box.classList.contains("skip-link")) { continue; }  // shown only on focus
    if (box.closest("details:not([open])") && box.tagName !== "SUMMARY") { continue; }
    if (box.tagName === "A") {
      const block = box.closest("p, li, td, dd, span.help, .help");
      if (block && block.textContent.trim().length > box.textContent.trim().length + 2
          && style.display === "inline") { continue; }
    }
    if (r.width < min - 0.5 || r.height < min - 0.5) {
      const name = (box.innerText || box.value || box.getAttribute("aria-label") || "").trim();
      small.push(`${box.tagName.toLowerCase()} "${name.slice(0, 40)}" ` +
                 `${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return small;
}"""


def _pages() -> list[tuple[str, str]]:
    return portal_pages()


def _block_outside(session: Session, base_url: str) -> list[str]:
    """Abort and record every request whose host is not the test server on loopback."""
    outside: list[str] = []
    own_host = urlparse(base_url).hostname

    def handle(route: Route) -> None:
        url = route.request.url
        parsed = urlparse(url)
        if parsed.scheme in {"data", "blob", "about"} or (parsed.hostname in LOOPBACK | {own_host}):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    session.context.route("**/*", handle)
    return outside


def _outside_links(html: str) -> list[str]:
    """Hosts other than loopback named in the page. The quick exit is left out: it is the
    neutral page a person chooses to leave to, and nothing is fetched from it until they do."""
    html = re.sub(r"<a [^>]*data-quick-exit[^>]*>", "", html)
    return [
        host for _scheme, host in OUTSIDE_URL.findall(html) if host.split(":")[0] not in LOOPBACK
    ]


def _overflow(session: Session) -> int:
    return session.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


# Which elements stick out past the right edge (deepest first), to say what to fix.
STICKING_OUT_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 0.5 && ![...el.children].some(
        c => c.getBoundingClientRect().right > window.innerWidth + 0.5)) {
      out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} ` +
               `"${(el.innerText || "").trim().slice(0, 30)}" right=${Math.round(r.right)}`);
    }
  }
  return out.slice(0, 6);
}"""


def _sign_in_pat(session: Session) -> None:
    session.goto("/accounts/login/")
    session.page.fill("input[name=username]", "pat")
    session.page.fill("input[name=password]", DEMO_PASSWORD)
    with session.page.expect_navigation():
        session.page.locator("main button[type=submit]").click()
    assert session.path == "/me/", session.path


def _set_spanish() -> None:
    from participants.models import Participant
    from portal.models import PortalPreference

    pat = Participant.objects.get(user__username="pat")
    PortalPreference.objects.update_or_create(participant=pat, defaults={"language": "es"})


def test_the_portal_meets_its_quality_bar_on_a_small_phone(
    browser: Browser,  # noqa: F811 - the fixture imported above
    live_server: Any,
    browser_demo: DemoWorld,
) -> None:
    problems: list[str] = []
    s = open_session(browser, live_server.url, viewport={"width": 320, "height": 640})
    outside = _block_outside(s, live_server.url)
    pages = _pages()
    figures: list[str] = []
    # The sign-in pages first (signed out), then Pat's own pages.
    for label, path in [*ENTRY_PAGES, ("sign in, again", "")]:
        if not path:
            _sign_in_pat(s)
            continue
        _check_page(s, label, path, problems, figures)
    for label, path in pages:
        _check_page(s, label, path, problems, figures)
    # The consent page with the drawing pad shown (it appears only when drawing is chosen).
    s.goto(dict(pages)["sign a consent"])
    s.page.get_by_text("Draw my signature", exact=True).click()
    assert s.page.locator("[data-signature-pad]").is_visible()
    _check_current(s, "sign a consent, drawing", problems, figures)
    print("\n  " + "\n  ".join(figures))

    # The same pages in Spanish: still axe-clean and still fitting.
    _set_spanish()
    for label, path in pages:
        s.goto(path)
        assert s.page.locator("html").get_attribute("lang") == "es", label
        wide = _overflow(s)
        if wide > 0:
            problems.append(f"{label} (es): scrolls sideways by {wide}px at 320 px")
        s.audit(f"{label} in Spanish at 320 px")
    s.context.close()

    assert not outside, f"requests to other hosts: {outside}"
    assert not problems, "\n".join(problems)
    s.assert_clean()


def _check_page(s: Session, label: str, path: str, problems: list[str], figures: list[str]) -> None:
    """Outside links, sideways scrolling at 100% and 200% text, target sizes and axe."""
    s.goto(path)
    _check_current(s, label, problems, figures)


def _check_current(s: Session, label: str, problems: list[str], figures: list[str]) -> None:
    html = s.page.content()
    if _outside_links(html):
        problems.append(f"{label}: links to other hosts {_outside_links(html)}")
    wide = _overflow(s)
    if wide > 0:
        problems.append(f"{label}: scrolls sideways by {wide}px at 320 px")
    small = s.page.evaluate(TARGETS_JS, MIN_TARGET)
    if small:
        problems.append(f"{label}: controls under {MIN_TARGET}px: {small}")
    s.audit(f"{label} at 320 px")
    # Text at 200% (the browser's text-size setting), still 320 px wide.
    s.page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    zoomed = _overflow(s)
    figures.append(f"{label}: overflow {wide}px at 100%, {zoomed}px at 200% text")
    if zoomed > 0:
        problems.append(
            f"{label}: scrolls sideways by {zoomed}px with 200% text: "
            f"{s.page.evaluate(STICKING_OUT_JS)}"
        )


def test_reading_pages_and_a_check_in_work_without_javascript(
    browser: Browser,  # noqa: F811 - the fixture imported above
    live_server: Any,
    browser_demo: DemoWorld,
) -> None:
    from assessments.models import CHECKIN, Assessment

    context = browser.new_context(
        viewport={"width": 360, "height": 740}, java_script_enabled=False, locale="en-US"
    )
    page = context.new_page()
    s = Session(base_url=live_server.url, context=context, page=page)
    outside = _block_outside(s, live_server.url)
    _sign_in_pat(s)
    for label, path in _pages():
        if label not in READING_PAGES:
            continue
        s.goto(path)
        main = page.locator("main")
        assert page.locator("main h1").count() == 1, label
        assert len(main.inner_text().split()) > 5, f"{label}: main content missing"
        assert page.locator('a[href="tel:988"]').count() >= 1, label
        assert page.locator('a[href="sms:988"]').count() >= 1, label
        assert page.locator('a[href="/me/safety-plan/"]').count() >= 1, label
        # Help now is a <details>: it opens without any script.
        page.locator("summary", has_text="Help now").click()
        assert page.get_by_role("link", name="I'd like a call").is_visible(), label

    s.goto("/me/check-in/")
    page.get_by_text("Good", exact=True).first.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Send my check-in").click()
    assert s.path == "/me/check-in/thanks/", s.path
    assert Assessment.objects.filter(instrument=CHECKIN, recorded_by__username="pat").exists()
    context.close()
    assert not outside, f"requests to other hosts: {outside}"
