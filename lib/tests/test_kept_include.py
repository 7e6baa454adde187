"""The staff navigation kept per process (lib.templatetags.kept) is the navigation the template
renders afresh: for every staff role, on pages of different sections, with its counts."""

import re

import pytest

from lib.templatetags import kept

NAV = re.compile(r'<nav class="main-nav[^"]*" aria-label="[^"]*">.*?</nav>', re.S)


def _nav(html: str) -> str:
    found = NAV.search(html)
    assert found, "the page has no main navigation"
    return found.group(0)


@pytest.mark.parametrize(
    ("username", "paths"),
    [
        ("ana", ["/today/", "/participants/", "/reports/mine/"]),
        ("sam", ["/today/", "/participants/", "/reports/"]),
        ("mia", ["/participants/", "/reports/", "/audit/"]),
        ("max", ["/organization/people/", "/organization/teams/", "/organization/settings/"]),
    ],
)
def test_the_kept_navigation_is_the_one_rendered_afresh(client_for, username, paths) -> None:
    client = client_for(username)
    navs = []
    for path in paths:
        kept._kept.clear()
        fresh = client.get(path)
        assert fresh.status_code == 200, path
        again = client.get(path)  # from what the first request kept
        assert _nav(again.content.decode()) == _nav(fresh.content.decode())
        navs.append(_nav(again.content.decode()))
    # Each section marks its own link as the current page: none was served another's.
    assert len(set(navs)) == len(paths)
    assert all(nav.count('aria-current="page"') == 1 for nav in navs)


def test_a_new_unread_message_shows_on_the_next_page(client_for) -> None:
    """The counts are part of what the navigation is kept by: Pat's new message shows at once."""
    ana = client_for("ana")
    kept._kept.clear()
    before = _nav(ana.get("/participants/").content.decode())
    client_for("pat").post("/me/messages/", {"text": "Can we meet on Friday?"})
    after = _nav(ana.get("/participants/").content.decode())
    assert after != before
    assert re.search(r'nav-badge">\d+<span class="visually-hidden"> unread', after)


PORTAL_NAV = re.compile(r'<nav class="portal-nav" aria-label="[^"]*">.*?</nav>', re.S)


def test_the_kept_portal_menu_is_the_one_rendered_afresh(client_for) -> None:
    """The portal's menu, kept by section and page, marks the page a participant is on."""
    client = client_for("pat")
    paths = ["/me/", "/me/plan/", "/me/messages/", "/me/appointments/", "/me/settings/"]
    menus = []
    for path in paths:
        kept._kept.clear()
        fresh = client.get(path)
        assert fresh.status_code == 200, path
        again = client.get(path)
        menu, first = (PORTAL_NAV.search(r.content.decode()) for r in (again, fresh))
        assert menu is not None and first is not None, path
        assert menu.group(0) == first.group(0)
        menus.append(menu.group(0))
    assert len(set(menus)) == len(paths)
    assert all(menu.count('aria-current="page"') == 1 for menu in menus)
