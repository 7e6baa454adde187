"""The portal on a phone (390x844), as Pat and as Luz (in Spanish): a compact header that
leaves the first screen to the page, Call 988 as a visible tel: link in that first screen, a Menu
that opens from the keyboard with its links reachable, and axe-core with no violations.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_portal_phone.py -s
"""

import os
from typing import Any

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from playwright.sync_api import Browser, ViewportSize

from cairn.demo import DEMO_PASSWORD, DemoWorld
from cairn.tests.browser_support import (  # noqa: F401 - browser and *_fixture are fixtures
    AXE_TAGS,
    RUN_AXE_JS,
    Session,
    _axe_source,
    browser,
    browser_demo_fixture,
    open_session,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 390, "height": 844}
# Who signs in, what their Menu and Call 988 are called, and which page names the menu holds.
PEOPLE = [
    ("pat", "en", "Menu", "Call 988", "My safety plan", "Settings"),
    ("luz", "es", "Menú", "Llamar al 988", "Mi plan de seguridad", "Ajustes"),
]


def _sign_in(s: Session, username: str) -> None:
    s.goto("/accounts/login/")
    s.page.fill("input[name=username]", username)
    s.page.fill("input[name=password]", DEMO_PASSWORD)
    with s.page.expect_navigation():
        s.page.locator("main button[type=submit]").click()
    assert s.path == "/me/", s.path


def _axe_violations(s: Session) -> list[str]:
    if not s.page.evaluate("() => typeof window.axe === 'object'"):
        s.page.evaluate(_axe_source())
    found = s.page.evaluate(RUN_AXE_JS, AXE_TAGS)
    return [f"[{v['impact']}] {v['id']} -> {', '.join(v['targets'][:3])}" for v in found]


@pytest.mark.parametrize(("username", "lang", "menu", "call", "safety", "last_link"), PEOPLE)
def test_the_portal_header_leaves_the_phone_screen_to_the_page(
    browser: Browser,  # noqa: F811 - the fixture imported above
    live_server: Any,
    browser_demo: DemoWorld,
    username: str,
    lang: str,
    menu: str,
    call: str,
    safety: str,
    last_link: str,
) -> None:
    from participants.models import Participant
    from portal.models import PortalPreference

    if lang == "es":  # Luz reads her Cairn in Spanish (seed_demo adds her; so does this test)
        from django.utils import timezone

        from portal.demo import seed_spanish_speaker

        seed_spanish_speaker(
            browser_demo.organizations["harbor"],
            anchor=timezone.localdate(),
            password=DEMO_PASSWORD,
        )
        luz = Participant.objects.get(user__username=username)
        PortalPreference.objects.update_or_create(participant=luz, defaults={"language": "es"})
    s = open_session(browser, live_server.url, viewport=PHONE)
    page = s.page
    _sign_in(s, username)
    assert page.locator("html").get_attribute("lang") == lang

    # The header is at most a quarter of the first screen.
    header = page.locator("header.site-header").bounding_box()
    assert header is not None
    print(f"\n  {username}: header {header['height']:.0f}px of {PHONE['height']}px")
    assert header["height"] <= PHONE["height"] / 4, header

    # Call 988 is a tel: link, visible in the first screen, and filled (not an outline).
    call_988 = page.locator("header").get_by_role("link", name=call, exact=True)
    assert call_988.get_attribute("href") == "tel:988"
    box = call_988.bounding_box()
    assert call_988.is_visible() and box is not None
    assert box["y"] + box["height"] <= PHONE["height"] and box["height"] >= 44
    fill = call_988.evaluate("el => getComputedStyle(el).backgroundColor")
    assert fill not in {"rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"}, fill
    assert page.locator('header a[href="sms:988"]').is_visible()
    # Help now is a button-like control in the first screen too.
    help_now = page.locator("details.help-now > summary")
    assert help_now.is_visible() and (help_now.bounding_box() or {"height": 0})["height"] >= 44

    # The Menu opens with Enter and closes and reopens with Space; its links are then reachable.
    summary = page.locator("details.portal-menu > summary")
    assert summary.inner_text().strip() == menu
    sbox = summary.bounding_box()
    assert sbox is not None and sbox["width"] >= 44 and sbox["height"] >= 44
    nav_link = page.locator(".portal-nav").get_by_role("link", name=safety, exact=True)
    assert not nav_link.is_visible()
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("details.portal-menu").get_attribute("open") is not None
    assert nav_link.is_visible()
    page.keyboard.press("Space")
    assert not nav_link.is_visible()
    page.keyboard.press("Space")
    assert nav_link.is_visible()
    # Tab from the Menu button reaches the links in order, down to the last (Settings).
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("() => document.activeElement.innerText.trim()"))
        if reached[-1] == last_link:
            break
    assert safety in reached and reached[-1] == last_link, reached
    assert not _axe_violations(s), _axe_violations(s)
    page.keyboard.press("Enter")  # follow Settings
    page.wait_for_url("**/me/settings/")

    # axe-core finds nothing on the home page and the safety plan, with the menu closed.
    for path in ("/me/", "/me/safety-plan/"):
        s.goto(path)
        violations = _axe_violations(s)
        assert not violations, f"{path}: {violations}"
    # On the safety plan, Call 988 is the filled main button, changing the plan is secondary.
    main_call = page.locator("main .my-safety-actions").get_by_role("link", name=call, exact=True)
    assert main_call.get_attribute("class") == "button"
    change = page.locator("main .actions-row a.button")
    assert "secondary" in (change.get_attribute("class") or "")
    s.context.close()
    s.assert_clean()
