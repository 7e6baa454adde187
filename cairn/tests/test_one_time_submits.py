"""One-time submits, every URL: a page that creates something from a form shows that form with a
fresh one-time key, and the form sent twice with the same key creates one row and answers the
second time with the first result. Every other URL says why it needs no key (the table is in
`one_time_cases.py`). The matrix fails when a URL pattern is added without an entry, so no
create form is born unguarded."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver, resolve, reverse
from django.utils import timezone

from cairn.demo import DemoWorld
from cairn.tests.one_time_cases import NOT_A_CREATE_FORM, ONE_TIME, Case
from cairn.tests.page_forms import PageForm, post_forms_with
from cairn.tests.test_authorization_matrix import billing_objects, walk
from coaching.models import PracticeReview
from encounters.services import ensure_service_types, record_encounter, sign_encounter
from groups.models import Group, GroupMember
from lib.models import SubmitKey
from lib.once import KEY_FIELD
from organizations.models import Membership
from participants.models import Participant
from plans.services import StepValues, save_goal
from supervision.models import SupervisionSession

ALREADY_SAVED = "This form was already saved; nothing was added twice."

UUID_VALUE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture
def objects(demo: DemoWorld) -> dict[str, Any]:
    pat = Participant.objects.get(user=demo.users["pat"])
    ana = Membership.objects.get(user=demo.users["ana"])
    ensure_service_types(pat.organization)
    note = record_encounter(
        acting=ana,
        participant=pat,
        brief=True,
        values={"contact_type": "phone", "started_at": timezone.now(), "summary": "A call."},
    )
    group = Group.objects.create(
        organization=pat.organization, name="Tuesday circle", facilitator=demo.users["ana"]
    )
    GroupMember.objects.create(organization=pat.organization, group=group, participant=pat)
    goal = save_goal(
        acting=ana,
        participant=pat,
        values={"in_my_words": "Find a steady place to live", "status": "on_the_way"},
        steps=[StepValues(text="Call the housing office", owner="participant")],
    )
    practice = PracticeReview.objects.create(
        organization=pat.organization,
        owner=demo.users["ana"],
        title="Role-play",
        utterances=[{"speaker": "coach", "text": "How was the week?", "label": "open_question"}],
        summary={},
        shared_with_supervisor=True,
    )
    session = SupervisionSession.objects.create(
        organization=pat.organization,
        supervisor=demo.users["sam"],
        held_on=timezone.localdate(),
        minutes=60,
        kind="individual",
        mode="video",
    )
    session.coaches.set([demo.users["ana"]])
    return {
        "supervision_session": session,
        "practice": practice,
        "pat": pat,
        "signed_note": sign_encounter(acting=ana, encounter=note),
        "group": group,
        "goal": goal,
        **billing_objects(pat, {"mia": demo.users["mia"]}),
    }


def _client(demo: DemoWorld, persona: str) -> Client:
    client = Client()
    client.force_login(demo.users[persona])
    return client


def _shown_form(case: Case, name: str, client: Client, objects: dict[str, Any]) -> PageForm:
    """The form as the page shows it, pointing at `name`'s URL and carrying a key."""
    url = reverse(name, kwargs=case.kwargs(objects))
    page_name, page_kwargs = case.page or (name, case.kwargs)
    page_url = reverse(page_name, kwargs=page_kwargs(objects))
    if case.reach is not None:
        html = case.reach(client, objects)
    else:
        response = client.get(page_url + case.query)
        assert response.status_code == 200, f"{name}: the page answered {response.status_code}"
        html = response.content.decode()
    forms = [
        form
        for form in post_forms_with(html, KEY_FIELD)
        if (form.action or page_url).split("?")[0] == url
        and (not case.having or form.value(case.having) is not None)
    ]
    assert forms, f"{name}: no form on the page posts to {url} with a one-time key"
    return forms[0]


def _said(response: Any) -> str:
    """What a response told the person, for a failure message: its errors, or where it led."""
    if response.status_code != 200:
        return f"{response.status_code} {response.get('Location', '')}"
    main = response.content.decode().split("<main", 1)[-1]
    found = re.findall(r'class="(?:error|message[^"]*)"[^>]*>(.*?)</', main, re.S)
    found += re.findall(r'id="form-errors">(.*?)</div>', main, re.S)
    return " | ".join(re.sub(r"<[^>]+>|\s+", " ", text).strip() for text in found)


def test_every_url_pattern_says_whether_it_creates_from_a_form() -> None:
    names = set(walk(get_resolver().url_patterns))
    listed = ONE_TIME.keys() | NOT_A_CREATE_FORM.keys()
    assert not ONE_TIME.keys() & NOT_A_CREATE_FORM.keys()
    missing, stale = names - listed, listed - names
    assert not missing, f"say whether these URLs create from a form: {sorted(missing)}"
    assert not stale, f"these entries name URLs that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("name", sorted(ONE_TIME))
def test_a_create_view_answers_a_used_key_first(objects: dict[str, Any], name: str) -> None:
    """Its view is wrapped by `one_time_submit`, which answers a key already used before the
    view reads or validates anything (the mark survives the access decorators around it)."""
    view = resolve(reverse(name, kwargs=ONE_TIME[name].kwargs(objects))).func
    assert getattr(view, "cairn_one_time", False), f"{name}: wrap its view in @one_time_submit"


@pytest.mark.parametrize("name", sorted(ONE_TIME))
def test_a_create_form_is_shown_with_a_fresh_key(
    demo: DemoWorld, objects: dict[str, Any], name: str
) -> None:
    case = ONE_TIME[name]
    client = _client(demo, case.persona)
    first = _shown_form(case, name, client, objects).value(KEY_FIELD)
    again = _shown_form(case, name, client, objects).value(KEY_FIELD)
    assert first and UUID_VALUE.match(first), f"{name}: the key is {first!r}"
    assert again != first, f"{name}: showing the form again must give a new key"


@pytest.mark.parametrize("name", sorted(ONE_TIME))
def test_a_create_form_sent_twice_creates_once(
    demo: DemoWorld, objects: dict[str, Any], name: str
) -> None:
    case = ONE_TIME[name]
    client = _client(demo, case.persona)
    form = _shown_form(case, name, client, objects)
    data: dict[str, Any] = form.data()
    data.update(case.fill(objects))
    url = reverse(name, kwargs=case.kwargs(objects))
    before = case.rows().count()
    first = client.post(url, data, **case.extra)
    added = case.rows().count() - before
    assert added == 1, f"{name}: the first submit added {added} rows: {_said(first)}"
    second = client.post(url, data, **case.extra)
    assert case.rows().count() - before == 1, f"{name}: the second submit added a row"
    assert SubmitKey.objects.filter(key=data[KEY_FIELD][0]).count() == 1
    if case.answers_with_a_file:
        assert second.status_code == first.status_code == 200
        assert second.content == first.content, f"{name}: the second answer is not the first"
        return
    assert first.status_code == second.status_code == 302, f"{name}: {second.status_code}"
    assert second["Location"] == first["Location"]
    shown = client.get(second["Location"]).content.decode()
    assert ALREADY_SAVED in shown.replace("&#x27;", "'"), f"{name}: no calm word on the way back"
