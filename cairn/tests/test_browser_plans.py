"""Headless Chromium works Pat's recovery plan the way a coach does: the plan opened from the
overview, a goal added by keyboard alone after an empty save is refused, a step marked done, the
versions compared side by side, the print view and the milestones page, with axe-core audits of
each page and error state, and the plan page at 320 px without sideways scrolling.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_plans.py
"""

import os
import re
from collections.abc import Callable

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from cairn.demo import DEMO_PASSWORD
from cairn.tests.browser_support import (  # noqa: F401 - the *_fixture names and browser are fixtures
    Session,
    browser,
    browser_demo_fixture,
    named,
    session_fixture,
    with_id,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_GOAL = "Cook a proper Sunday dinner for my kids"
NEW_STEP = "Write the shopping list with Ana"
HOUSING_LABEL = "Housing"
SMALLEST_WIDTH = 320


def _link(text: str) -> Callable[[dict[str, str]], bool]:
    return lambda el: el["tag"] == "a" and el["text"] == text


def _button(text: str) -> Callable[[dict[str, str]], bool]:
    return lambda el: el["tag"] == "button" and el["text"] == text


def _pat_id() -> str:
    from participants.models import Participant

    return str(Participant.objects.get(user__username="pat").id)


def _assert_fits(session: Session, label: str) -> None:
    scroll, client = session.page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= SMALLEST_WIDTH, f"{label}: scrollWidth {scroll} > {SMALLEST_WIDTH} ({client})"


def test_keyboard_only_goal_added_step_done_and_versions_compared(session: Session) -> None:
    from plans.models import ActionStep, Goal, StepOwner

    pat_id = _pat_id()
    plan_path = f"/plans/participant/{pat_id}/"
    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)

    # 1. From the overview to the plan, by keyboard.
    session.goto(f"/participants/{pat_id}/")
    link = session.tab_until(_link("Open the recovery plan"), "Open the recovery plan link")
    assert link["href"] == plan_path, link
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path == plan_path
    assert session.h1() == "Pat's recovery plan"
    lead = page.locator(".lead").inner_text()
    assert "Changed since Pat last agreed" in lead and "Version 3." in lead, lead
    assert page.get_by_role("article").count() == 2
    session.audit("Pat's plan")

    # 2. An empty goal is refused; the errors are announced and take the focus.
    add = session.tab_until(_link("Add a goal"), "Add a goal link", max_tabs=20)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    form_path = f"/plans/participant/{pat_id}/goals/new/"
    assert session.path == form_path == add["href"]
    assert session.h1() == "Add a goal to Pat's plan"
    # Optional fields say so once: the labels leave it to the field partial.
    assert page.get_by_label("Coach's summary (optional)", exact=True).count() == 1
    assert page.get_by_label("Aiming for (optional)", exact=True).count() == 2
    goals_before = set(Goal.objects.filter(participant_id=pat_id).values_list("id", flat=True))
    session.tab_until(_button("Save goal"), "Save goal button", max_tabs=60)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path == form_path
    alert = page.get_by_role("alert")
    assert "Write the goal in their words before saving." in alert.inner_text(), alert.inner_text()
    assert (session.focused() or {}).get("id") == "form-errors", session.focused()
    assert Goal.objects.filter(participant_id=pat_id).count() == len(goals_before)
    session.audit("goal form with errors")

    session.tab_until(named("in_my_words"), "goal in their words", max_tabs=10)
    page.keyboard.type(NEW_GOAL)
    housing = page.get_by_role("checkbox", name=HOUSING_LABEL)
    housing_id = housing.get_attribute("id") or ""
    assert housing_id, "the Housing checkbox has no id"
    session.tab_until(with_id(housing_id), "Housing checkbox", max_tabs=10)
    page.keyboard.press("Space")
    assert housing.is_checked()
    session.tab_until(named("steps-0-text"), "first step", max_tabs=30)
    page.keyboard.type(NEW_STEP)
    session.tab_until(named("steps-0-owner"), "who does the first step", max_tabs=3)
    page.keyboard.type("Tog")  # a closed select jumps to the option starting with what is typed
    assert page.locator("#id_steps-0-owner").input_value() == StepOwner.TOGETHER
    session.tab_until(_button("Save goal"), "Save goal button", max_tabs=20)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    goal = Goal.objects.filter(participant_id=pat_id).exclude(id__in=goals_before).get()
    assert session.path == f"{plan_path}#goal-{goal.id}", f"{session.path}: {session.h1()!r}"
    assert page.get_by_role("status").get_by_text("Goal added to the plan.").is_visible()
    assert goal.in_my_words == NEW_GOAL
    assert goal.domains == ["housing"]
    step = goal.steps.get()
    assert step.text == NEW_STEP
    assert step.owner == StepOwner.TOGETHER
    assert step.done_on is None
    card = page.locator(f"#goal-{goal.id}")
    assert card.get_by_role("heading", level=2).inner_text().endswith(f"\u201c{NEW_GOAL}\u201d")
    assert NEW_STEP in card.get_by_role("listitem").filter(has_text=NEW_STEP).inner_text()
    assert "Version 4." in page.locator(".lead").inner_text()
    session.audit("Pat's plan with the new goal")

    # 3. The step is marked done from the plan page.
    session.tab_until(
        lambda el: (
            el["tag"] == "button" and el["text"].startswith("Mark done") and NEW_STEP in el["text"]
        ),
        "Mark done button of the new step",
        max_tabs=10,
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path == f"{plan_path}#goal-{goal.id}"
    assert page.get_by_role("status").get_by_text("Step marked done").is_visible()
    step = ActionStep.objects.get(id=step.id)
    assert step.done_on is not None
    assert card.get_by_role("button", name=re.compile(f"^Reopen.*{NEW_STEP}$")).count() == 1
    session.audit("Pat's plan after a step is done")

    # 4. Versions, then the newest change side by side. The page opened at the new goal, so
    # the links above it are behind the focus.
    session.tab_until(
        _link("Versions and changes"), "Versions and changes link", max_tabs=60, key="Shift+Tab"
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path == f"/plans/participant/{pat_id}/versions/"
    assert session.h1() == "Versions of Pat's plan"
    rows = page.get_by_role("table").get_by_role("row")
    assert rows.count() == 1 + 5  # header, three demo versions, the new goal, the step done
    session.audit("plan versions")
    compare = session.tab_until(
        _link("Version 3 and 4 side by side"), "comparison of versions 3 and 4", max_tabs=40
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path == compare["href"] == f"/plans/participant/{pat_id}/compare/?from=3&to=4"
    assert session.h1() == "Pat's plan: version 3 and 4"
    added = page.locator(".compare-cell.kind-added")
    assert added.count() == 2
    assert "Goal added" in added.nth(1).inner_text()
    assert NEW_GOAL in added.nth(1).inner_text()
    assert "Not in this version" in added.nth(0).inner_text()
    session.audit("versions 3 and 4 side by side")

    # 5. The print view and the milestones.
    session.goto(f"/plans/participant/{pat_id}/print/")
    assert session.h1() == "Pat's recovery plan"
    assert NEW_GOAL in page.locator(".print-plan").inner_text()
    assert page.get_by_role("button", name="Print").is_visible()
    session.audit("print view")
    session.goto(plan_path)
    session.tab_until(_link("Strengths and milestones"), "milestones link", max_tabs=30)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path == f"/plans/participant/{pat_id}/milestones/"
    assert session.h1() == "Pat's strengths and milestones"
    milestones = page.get_by_role("region", name="Milestones")
    new_start = milestones.get_by_role("listitem").filter(has_text="A new start")
    assert new_start.count() == 1
    counters = re.findall(r"\d+ days? since", milestones.inner_text())
    assert len(counters) == 1, counters
    assert counters[0] in new_start.inner_text()
    session.audit("strengths and milestones")
    session.assert_clean()


def test_plan_pages_fit_320_px(session: Session) -> None:
    # browser_support's narrow session is 360 px wide; the smallest phones in use are 320.
    session.page.set_viewport_size({"width": SMALLEST_WIDTH, "height": 640})
    pat_id = _pat_id()
    session.sign_in("ana", DEMO_PASSWORD)
    for path, label in [
        (f"/plans/participant/{pat_id}/", "Pat's plan"),
        (f"/plans/participant/{pat_id}/goals/new/", "goal form"),
        (f"/plans/participant/{pat_id}/versions/", "plan versions"),
        (f"/plans/participant/{pat_id}/compare/?from=2&to=3", "versions 2 and 3"),
    ]:
        session.goto(path)
        _assert_fits(session, f"{label} at {SMALLEST_WIDTH} px")
        session.audit(f"{label} at {SMALLEST_WIDTH} px")

    # Stacked in one column, each card still says which version it shows.
    cells = session.page.locator(".compare-cell")
    assert cells.count() == 4
    for index, version in enumerate([2, 3, 2, 3]):
        heading = cells.nth(index).get_by_role("heading", level=3)
        assert heading.inner_text() == f"In version {version}"
        box = heading.bounding_box()
        assert box is not None and box["width"] > 1, f"card {index} hides its version: {box}"
    session.assert_clean()
