"""The inline checker in the note editor, and the administrator's lexicon page."""

import pytest

from audit.models import AuditEvent
from cairn.demo import DemoWorld
from coaching import language
from coaching.models import CustomTerm, DisabledEntry
from participants.models import Participant


def test_note_editor_fields_carry_the_inline_checker(demo: DemoWorld, client_for) -> None:
    pat = Participant.objects.get(user=demo.users["pat"])
    page = client_for("ana").get(f"/contacts/new/{pat.id}/?kind=full").content.decode()
    assert 'hx-post="/coaching/check/?field=coach_actions"' in page
    assert 'id="lang-coach_actions"' in page
    assert "/coaching/check/?field=own_words" not in page


def test_inline_check_returns_findings_with_replace_buttons(demo, client_for) -> None:
    client = client_for("ana")
    before = AuditEvent.objects.count()
    response = client.post(
        "/coaching/check/?field=coach_actions",
        {"coach_actions": "client is an addict who relapsed"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "2 words to look at" in page
    assert "person with a substance use disorder" in page
    assert 'data-replacement="return to use"' in page
    assert 'data-field="id_coach_actions"' in page and 'data-start="13"' in page
    assert "saving is never blocked" in page
    assert AuditEvent.objects.count() == before  # nothing about the text is stored


def test_inline_check_ignores_fields_it_does_not_know(demo, client_for) -> None:
    response = client_for("ana").post(
        "/coaching/check/?field=own_words", {"own_words": "I am an addict"}
    )
    assert "to look at" not in response.content.decode()


def test_admin_adds_own_terms_and_turns_off_built_in_ones(demo: DemoWorld, client_for) -> None:
    client = client_for("max")
    page = client.get("/coaching/lexicon/").content.decode()
    assert "relapse" in page and "Words Matter" in page and "Spanish" in page
    assert "“clean” or “dirty” test results" in page and "“ex-addict”, “former user”" in page
    for code in ("clean-dirty-test", "former-addict"):
        assert f"<td>{code}" not in page and f"Turn off {code}" not in page
    assert 'value="clean-dirty-test"' in page  # the form still names the entry by its id
    client.post(
        "/coaching/lexicon/",
        {
            "action": "add",
            "phrase": "frequent visitor",
            "suggestion": "regular visitor",
            "reason": "Sounds like a complaint.",
            "severity": "advice",
        },
    )
    term = CustomTerm.objects.get(phrase="frequent visitor")
    duplicate = client.post(
        "/coaching/lexicon/",
        {
            "action": "add",
            "phrase": "Frequent Visitor",
            "suggestion": "x",
            "reason": "y",
            "severity": "advice",
        },
    )
    assert "already on your list" in duplicate.content.decode()
    client.post("/coaching/lexicon/", {"action": "disable", "entry": "relapse"})
    assert DisabledEntry.objects.filter(entry_id="relapse").exists()
    found = (
        client_for("ana")
        .post(
            "/coaching/check/?field=summary",
            {"summary": "A frequent visitor who relapsed."},
        )
        .content.decode()
    )
    assert "regular visitor" in found and "return to use" not in found
    other = (
        client_for("rio")
        .post("/coaching/check/?field=summary", {"summary": "A frequent visitor who relapsed."})
        .content.decode()
    )
    assert "regular visitor" not in other and "return to use" in other
    client.post("/coaching/lexicon/", {"action": "remove", "term": term.id})
    assert not CustomTerm.objects.exists()


@pytest.mark.parametrize(
    ("field", "text", "suggestion"),
    [
        ("coach_summary", "Wants to stop being the family drunk.", "person who drinks"),
        ("note", "Says he is unmotivated.", "not ready yet"),
        ("text", "Your UA came back dirty.", "negative / positive"),
        ("shared_note", "Lleva 90 días limpio.", "en recuperación"),
        ("reasons", "No quiero que me digan tecato.", "persona que consume heroína"),
    ],
)
def test_plans_assessments_messages_groups_and_safety_plans_are_checked(
    demo, client_for, field: str, text: str, suggestion: str
) -> None:
    found = (
        client_for("ana").post(f"/coaching/check/?field={field}", {field: text}).content.decode()
    )
    assert suggestion in found and "saving is never blocked" in found


@pytest.mark.parametrize(
    ("phrase", "why"),
    [
        ("e", "at least 3 letters"),
        ("ok", "at least 3 letters"),
        ("the", "most common words in notes"),
        ("with the", "most common words in notes"),
        ("la", "at least 3 letters"),
        ("que", "most common words in notes"),
    ],
)
def test_an_own_term_that_would_flag_nearly_every_note_is_refused(
    demo, client_for, phrase: str, why: str
) -> None:
    response = client_for("max").post(
        "/coaching/lexicon/",
        {"action": "add", "phrase": phrase, "suggestion": "x", "reason": "y", "severity": "flag"},
    )
    assert why in response.content.decode().replace("&#x27;", "'")
    assert not CustomTerm.objects.exists()


def test_an_own_term_common_in_the_ordinary_sample_is_refused_with_its_share(
    demo, client_for, monkeypatch
) -> None:
    monkeypatch.setattr(language, "MAX_SAMPLE_SHARE", 0.02)
    assert "turns up in 4% of ordinary sample notes" in language.too_broad("about")
    assert language.too_broad("frequent visitor") == ""
    response = client_for("max").post(
        "/coaching/lexicon/",
        {"action": "add", "phrase": "about", "suggestion": "x", "reason": "y", "severity": "flag"},
    )
    assert "Choose a more specific phrase" in response.content.decode()
    assert not CustomTerm.objects.exists()


def test_goal_steps_and_milestones_carry_the_inline_checker(demo: DemoWorld, client_for) -> None:
    pat = Participant.objects.get(user=demo.users["pat"])
    client = client_for("ana")
    goal_page = client.get(f"/plans/participant/{pat.id}/goals/new/").content.decode()
    # Each step row checks its own field and shows findings under that row.
    assert 'hx-post="/coaching/check/?field=steps-0-text"' in goal_page
    assert 'id="lang-steps-0-text"' in goal_page and 'id="lang-steps-1-text"' in goal_page
    milestones = client.get(f"/plans/participant/{pat.id}/milestones/new/").content.decode()
    assert 'hx-post="/coaching/check/?field=title"' in milestones
    response = client.post(
        "/coaching/check/?field=steps-1-text",
        {"steps-1-text": "Drop a clean screen before court"},
        HTTP_HX_REQUEST="true",
    )
    assert "1 word to look at" in response.content.decode()
    assert 'data-field="id_steps-1-text"' in response.content.decode()
