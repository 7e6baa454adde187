"""Referrals end to end through the pages: refused without consent, the partner's link from sent
to completed, links that reveal nothing, the audit trail, the portal and the coach's pages."""

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from cairn.tests.html_parts import elements
from consent.models import Consent, Disclosure
from consent.services import record_consent, revoke_consent
from directory import demo as directory_demo
from directory.models import Service
from organizations.models import Membership
from participants.models import Participant
from referrals.models import Referral, ReferralChange, ReferralState
from referrals.services import PURPOSE, hash_token

ANCHOR = date(2026, 12, 4)
CLINIC = "Harborview Medication for Opioid Use Disorder Clinic"
NOTE = "Asking about a same-day start."


@pytest.fixture
def clinic(demo: DemoWorld) -> Service:
    directory_demo.seed(demo.organizations["harbor"], anchor=ANCHOR)
    return Service.objects.select_related("provider").get(name=CLINIC)


@pytest.fixture
def pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user=demo.users["pat"])


def _consent(pat: Participant, recipient: str = "Harborview Health") -> Consent:
    ana = Membership.objects.select_related("user", "organization").get(user__username="ana")
    return record_consent(
        acting=ana,
        participant=pat,
        values={
            "disclosing_party": "Harbor",
            "categories": ["contact"],
            "recipient": recipient,
            "purpose": PURPOSE,
            "expires_on": timezone.localdate() + timedelta(days=90),
            "signed_on": timezone.localdate(),
            "signature_method": "typed",
            "signature": "Pat",
            "revocation_explained": True,
        },
    )


def _text(response: Any) -> str:
    (main,) = elements(response.content.decode(), "main")
    return " ".join(main.text.split())


def _send(client: Client, clinic: Service, pat: Participant) -> Any:
    url = f"/referrals/new/{clinic.id}/{pat.id}/"
    form = client.get(url)
    key = re.search(r'name="submit_key" value="([^"]+)"', form.content.decode())
    assert key is not None
    return client.post(
        url,
        {"need": "treatment", "categories": ["contact"], "note": NOTE, "submit_key": key[1]},
        follow=True,
    )


def _link_and_code(response: Any) -> tuple[str, str]:
    html = response.content.decode()
    found = re.findall(r'<code class="secret">([^<]+)</code>', html)
    assert len(found) == 2, "the link and code are shown"
    address, code = found
    return address.split("testserver", 1)[-1], code.replace(" ", "")


def test_without_consent_the_referral_is_refused_calmly_and_nothing_is_written(
    client_for, clinic, pat
) -> None:
    before = (Referral.objects.count(), Disclosure.objects.count(), AuditEvent.objects.count())
    response = _send(client_for("ana"), clinic, pat)
    assert response.status_code == 400
    text = _text(response)
    assert "Nothing was sent." in text
    assert "No active consent from Pat covers sharing" in text
    assert NOTE in response.content.decode()  # what was typed is kept
    assert Referral.objects.count() == before[0]
    assert Disclosure.objects.count() == before[1]
    assert not AuditEvent.objects.filter(
        pk__gt=0, target_type="referrals.referral", action=Action.CREATE
    ).exists()


def test_a_consent_to_someone_else_does_not_cover_the_referral(client_for, clinic, pat) -> None:
    _consent(pat, recipient="Another clinic")
    response = _send(client_for("ana"), clinic, pat)
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_the_loop_closes_through_the_partner_page(client_for, clinic, pat) -> None:
    _consent(pat)
    sent = _send(client_for("ana"), clinic, pat)
    assert "Referral sent." in _text(sent)
    referral = Referral.objects.get()
    assert referral.state == ReferralState.SENT
    assert referral.disclosure.recipient == "Harborview Health"
    assert Disclosure.objects.filter(participant=pat).count() == 1
    address, code = _link_and_code(sent)
    assert str(referral.id) not in address and code not in address
    assert referral.token_hash == hash_token(address.strip("/").split("/")[-1])
    assert referral.code_hash and code not in referral.code_hash

    # The link and code are shown once.
    again = client_for("ana").get(f"/referrals/{referral.id}/")
    assert '<code class="secret">' not in again.content.decode()

    partner = Client()
    first = partner.get(address)
    assert first.status_code == 200
    assert "Pat" not in _text(first) and NOTE not in first.content.decode()
    opened = partner.post(address, {"code": code}, follow=True)
    text = _text(opened)
    assert "Pat" in text and NOTE in text
    assert "42 CFR part 2" in text  # the re-disclosure notice
    partner.post(address, {"answer": "accept"})
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED and referral.accepted_at
    seen_on = timezone.localdate()
    thanks = partner.post(address, {"answer": "seen", "first_service_on": seen_on.isoformat()})
    assert "Thank you" in _text(thanks)
    referral.refresh_from_db()
    assert referral.state == ReferralState.COMPLETED
    assert referral.first_service_on == seen_on
    changes = list(ReferralChange.objects.filter(referral=referral).order_by("changed_at", "id"))
    assert [(c.state, c.by_partner) for c in changes] == [
        ("sent", False),
        ("accepted", True),
        ("completed", True),
    ]
    assert changes[0].changed_by is not None and changes[0].changed_by.username == "ana"
    # Answered for good: the link opens nothing more.
    assert partner.get(address).status_code == 404

    coach = _text(client_for("ana").get(f"/referrals/{referral.id}/"))
    assert "First service happened" in coach and "the partner, through the link" in coach


def test_every_partner_read_and_write_is_audited(client_for, clinic, pat) -> None:
    _consent(pat)
    address, code = _link_and_code(_send(client_for("ana"), clinic, pat))
    referral = Referral.objects.get()
    partner = Client()
    partner.post(address, {"code": "00000000" if code != "00000000" else "11111111"})
    partner.post(address, {"code": code})
    partner.get(address)
    partner.post(address, {"answer": "decline", "reason": "No openings this month."})
    events = list(
        AuditEvent.objects.filter(target_id=str(referral.id))
        .order_by("pk")
        .values_list("action", "role", "participant_id")
    )
    assert events[:2] == [(Action.CREATE, "coach", pat.id), (Action.VIEW, "coach", pat.id)]
    assert [(a, r) for a, r, _p in events[2:]] == [
        (Action.PERMISSION_DENIED, "partner"),
        (Action.UPDATE, "partner"),  # opened
        (Action.VIEW, "partner"),
        (Action.UPDATE, "partner"),  # declined
    ]
    assert all(p == pat.id for _a, _r, p in events)
    referral.refresh_from_db()
    assert referral.state == ReferralState.DECLINED
    assert referral.decline_reason == "No openings this month."


def _assert_reveals_nothing(response: Any) -> None:
    html = response.content.decode()
    for secret in ("Pat", NOTE, "Harborview", "Harbor Recovery"):
        assert secret not in _text(response), secret
    assert "<form" not in html.split("<main", 1)[-1]


def test_a_guessed_link_reveals_nothing(client_for, clinic, pat) -> None:
    _consent(pat)
    _send(client_for("ana"), clinic, pat)
    response = Client().get("/r/not-a-real-token/")
    assert response.status_code == 404
    _assert_reveals_nothing(response)


def test_an_expired_link_reveals_nothing(client_for, clinic, pat) -> None:
    _consent(pat)
    address, code = _link_and_code(_send(client_for("ana"), clinic, pat))
    Referral.objects.update(link_expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().post(address, {"code": code})
    assert response.status_code == 404
    _assert_reveals_nothing(response)


def test_a_new_link_retires_the_old_one(client_for, clinic, pat) -> None:
    _consent(pat)
    old, _code = _link_and_code(_send(client_for("ana"), clinic, pat))
    referral = Referral.objects.get()
    renewed = client_for("ana").post(f"/referrals/{referral.id}/new-link/")
    new, new_code = _link_and_code(renewed)
    assert new != old
    _assert_reveals_nothing(Client().get(old))
    assert Client().post(new, {"code": new_code}).status_code == 302


def test_wrong_codes_pause_the_link_and_then_even_the_right_code_waits(
    client_for, clinic, pat
) -> None:
    _consent(pat)
    address, code = _link_and_code(_send(client_for("ana"), clinic, pat))
    wrong = "12345678" if code != "12345678" else "87654321"
    partner = Client()
    for _ in range(4):
        response = partner.post(address, {"code": wrong})
        assert response.status_code == 400
        assert "did not match" in _text(response)
        assert NOTE not in response.content.decode()
    paused = partner.post(address, {"code": wrong})
    assert paused.status_code == 429
    assert "paused for 15 minutes" in _text(paused)
    still = partner.post(address, {"code": code})
    assert still.status_code == 429 and NOTE not in still.content.decode()
    Referral.objects.update(paused_until=timezone.now() - timedelta(seconds=1))
    assert partner.post(address, {"code": code}).status_code == 302


def test_a_revoked_consent_hides_the_referral_from_the_partner(client_for, clinic, pat) -> None:
    consent = _consent(pat)
    address, code = _link_and_code(_send(client_for("ana"), clinic, pat))
    partner = Client()
    assert partner.post(address, {"code": code}).status_code == 302
    ana = Membership.objects.select_related("user", "organization").get(user__username="ana")
    revoke_consent(acting=ana, consent=consent, note="Pat changed his mind.")
    response = partner.get(address)
    assert response.status_code == 404
    _assert_reveals_nothing(response)


def test_a_closed_referral_link_reveals_nothing(client_for, clinic, pat) -> None:
    _consent(pat)
    address, code = _link_and_code(_send(client_for("ana"), clinic, pat))
    referral = Referral.objects.get()
    client_for("ana").post(f"/referrals/{referral.id}/close/")
    response = Client().post(address, {"code": code})
    assert response.status_code == 404
    _assert_reveals_nothing(response)


def test_coach_of_another_caseload_gets_404(client_for, clinic, pat) -> None:
    _consent(pat)
    _send(client_for("ana"), clinic, pat)
    referral = Referral.objects.get()
    assert client_for("ben").get(f"/referrals/{referral.id}/").status_code == 404
    assert client_for("rio").get(f"/referrals/{referral.id}/").status_code == 404
    assert client_for("ben").get(f"/referrals/new/{clinic.id}/{pat.id}/").status_code == 404


def test_portal_shows_the_referral_in_plain_words(client_for, clinic, pat) -> None:
    _consent(pat)
    address, code = _link_and_code(_send(client_for("ana"), clinic, pat))
    partner = Client()
    partner.post(address, {"code": code})
    partner.post(address, {"answer": "accept"})
    text = _text(client_for("pat").get("/me/referrals/"))
    assert CLINIC in text
    assert "Harborview Health said yes. They will get in touch with you." in text


def test_portal_without_referrals_says_so(client_for, pat) -> None:
    assert "No referrals yet." in _text(client_for("pat").get("/me/referrals/"))


def test_the_overview_and_the_list_show_the_state(client_for, clinic, pat) -> None:
    assert "No referrals yet." in _text(client_for("ana").get("/referrals/"))
    _consent(pat)
    _send(client_for("ana"), clinic, pat)
    overview = _text(client_for("ana").get(f"/participants/{pat.id}/"))
    assert CLINIC in overview
    listed = _text(client_for("ana").get("/referrals/", {"state": "sent"}))
    assert CLINIC in listed and "1 referral" in listed
    assert "No referrals match these filters." in _text(
        client_for("ana").get("/referrals/", {"state": "completed"})
    )
    assert CLINIC not in _text(client_for("ben").get("/referrals/"))


def test_the_tour_demo_refers_pat_and_the_clinic_accepted(demo, pat, clinic) -> None:
    from referrals import demo as referrals_demo

    harbor = demo.organizations["harbor"]
    directory_demo.seed(harbor, anchor=timezone.localdate())
    assert referrals_demo.seed(harbor, anchor=timezone.localdate()) == 4
    assert referrals_demo.seed(harbor, anchor=timezone.localdate()) == 0
    referral = Referral.objects.get(participant=pat, service=clinic)
    assert referral.state == ReferralState.ACCEPTED


def _headline(response: Any, key: str) -> Any:
    return next(h.value for h in response.context["report"].headlines if h.key == key)


def test_the_dashboard_counts_referrals_and_opens_the_rows_behind_them(
    client_for, clinic, pat
) -> None:
    _consent(pat)
    address, code = _link_and_code(_send(client_for("ana"), clinic, pat))
    partner = Client()
    partner.post(address, {"code": code})
    partner.post(address, {"answer": "accept"})
    referral = Referral.objects.get()
    Referral.objects.update(sent_at=referral.sent_at - timedelta(days=3))
    partner.post(address, {"answer": "seen", "first_service_on": timezone.localdate().isoformat()})
    mia = client_for("mia")
    response = mia.get("/reports/")
    assert response.status_code == 200
    assert [_headline(response, k) for k in ("referrals", "referrals-accepted")] == ["1", "1"]
    assert _headline(response, "referrals-completed") == "1"
    median = _headline(response, "referral-days")
    assert median == "3"
    assert median.href.startswith("/reports/rows/referrals-completed/")
    rows = mia.get(median.href)
    assert rows.status_code == 200
    text = _text(rows)
    assert "Pat" in text and CLINIC in text and "1 referral" in text
    assert NOTE not in rows.content.decode()
    hidden = mia.get("/reports/", {"view": "deidentified"})
    assert _headline(hidden, "referrals") == "<11"
    assert _headline(hidden, "referral-days") == "<11"
    assert not hasattr(_headline(hidden, "referrals"), "href")


def test_the_dashboards_referral_figures_are_kept_until_a_referral_changes(
    client_for, clinic, pat
) -> None:
    """A second view reads the referral figures kept with the dashboard's own; a referral sent,
    answered or changed in bulk (no save(): the change log's trigger sees it) shows at once."""
    mia = client_for("mia")
    assert _headline(mia.get("/reports/"), "referrals") == "0"
    with CaptureQueriesContext(connection) as again:
        assert _headline(mia.get("/reports/"), "referrals") == "0"
    assert not any("referrals_referral" in q["sql"] for q in again.captured_queries)
    _consent(pat)
    address, code = _link_and_code(_send(client_for("ana"), clinic, pat))
    assert _headline(mia.get("/reports/"), "referrals") == "1"
    assert _headline(mia.get("/reports/"), "referrals-accepted") == "0"
    partner = Client()
    partner.post(address, {"code": code})
    partner.post(address, {"answer": "accept"})
    assert _headline(mia.get("/reports/"), "referrals-accepted") == "1"
    Referral.objects.update(sent_at=timezone.now() - timedelta(days=800))  # out of the range
    assert _headline(mia.get("/reports/"), "referrals") == "0"
