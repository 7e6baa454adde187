"""Delivering events: the signature a receiver checks, payloads with identifiers only, nothing
sent for a rolled-back write, retries with backoff to a receiver that is down, the failing
state, and the address checked again (and connected to) at delivery."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from appointments.services import book_appointment
from assessments.models import Assessment
from cairn.demo import DemoWorld
from encounters.models import Encounter
from encounters.services import record_encounter, sign_encounter
from jobs import runner
from jobs.models import Job, JobState
from organizations.models import Membership
from participants.models import Participant
from reachout.services import raise_for_check_in
from webhooks import addresses
from webhooks.delivery import KIND, MAX_ATTEMPTS, RETRY_AFTER
from webhooks.models import (
    Attempt,
    Delivery,
    DeliveryState,
    EventType,
    Problem,
    Subscription,
    SubscriptionState,
    WebhookSettings,
)
from webhooks.services import create_subscription, emit, organization_uuid
from webhooks.tests.receivers import receiver

pytestmark = pytest.mark.django_db

NOTE_TEXT = "Talked about the new job and the bus pass."


def _member(username: str) -> Membership:
    return Membership.objects.select_related("user", "organization").get(user__username=username)


def _subscribe(url: str, events: list[str] | None = None, *, private: bool = True) -> tuple:
    admin = _member("max")
    if private:
        WebhookSettings.objects.update_or_create(
            organization=admin.organization, defaults={"allow_private_addresses": True}
        )
    made = create_subscription(
        acting=admin,
        description="County warehouse",
        url=url,
        event_types=events or [EventType.NOTE_SIGNED],
    )
    return made.subscription, made.secret


def _sign_note(pat: Participant) -> Encounter:
    ana = _member("ana")
    note = record_encounter(
        acting=ana,
        participant=pat,
        values={
            "contact_type": "phone",
            "started_at": timezone.now(),
            "occurred_on": timezone.localdate(),
            "summary": NOTE_TEXT,
        },
        brief=True,
    )
    return sign_encounter(acting=ana, encounter=note)


@pytest.fixture
def pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user=demo.users["pat"])


def _run_due_retry() -> None:
    """The next try's time has come: run_jobs starts it."""
    Job.objects.filter(kind=KIND, state=JobState.QUEUED).update(
        not_before=timezone.now() - timedelta(seconds=1)
    )
    job_id = runner.next_queued()
    assert job_id is not None
    assert runner.run(job_id)


def test_a_receiver_verifies_the_signature_over_timestamp_and_body(
    pat, django_capture_on_commit_callbacks
) -> None:
    with receiver() as hook:
        subscription, secret = _subscribe(hook.url)
        with django_capture_on_commit_callbacks(execute=True):
            note = _sign_note(pat)
    ((headers, body),) = hook.received
    timestamp = headers["cairn-timestamp"]
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(headers["cairn-signature"], f"v1={expected}")
    assert abs(int(timestamp) - timezone.now().timestamp()) < 60
    sent = json.loads(body)
    assert headers["cairn-event-id"] == sent["id"]
    assert headers["content-type"] == "application/json"
    assert sent["type"] == "note.signed"
    assert sent["resource"] == {"type": "encounter", "id": str(note.pk)}
    # A signature made with another secret does not match.
    wrong = hmac.new(b"whsec_other", timestamp.encode() + b"." + body, hashlib.sha256)
    assert headers["cairn-signature"] != f"v1={wrong.hexdigest()}"
    attempt = Attempt.objects.get(subscription=subscription)
    assert attempt.succeeded and attempt.status_code == 200 and attempt.number == 1


def test_the_payload_carries_identifiers_only_and_no_participant_content(
    pat, django_capture_on_commit_callbacks
) -> None:
    with receiver() as hook:
        _subscribe(hook.url)
        with django_capture_on_commit_callbacks(execute=True):
            _sign_note(pat)
    ((_headers, body),) = hook.received
    sent = json.loads(body)
    assert set(sent) == {"id", "type", "occurred_at", "organization", "resource"}
    assert set(sent["resource"]) == {"type", "id"}
    assert sent["organization"] == str(organization_uuid(pat.organization))
    text = body.decode()
    for private in [pat.preferred_name, pat.legal_name, NOTE_TEXT, "Talked", "ana", "Harbor"]:
        if private:
            assert private not in text, f"{private!r} is in the payload"


def test_a_rolled_back_write_sends_nothing(pat, django_capture_on_commit_callbacks) -> None:
    with receiver() as hook:
        subscription, _secret = _subscribe(hook.url)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    _sign_note(pat)
                    raise RuntimeError("the write fails after the note was signed")
            except RuntimeError:
                pass
    assert callbacks == []
    assert hook.received == []
    assert not Delivery.objects.filter(subscription=subscription).exists()


def test_a_receiver_down_then_up_is_tried_again_after_the_backoff(
    pat, django_capture_on_commit_callbacks
) -> None:
    with receiver(503) as hook:
        subscription, _secret = _subscribe(hook.url)
        with django_capture_on_commit_callbacks(execute=True):
            _sign_note(pat)
        delivery = Delivery.objects.get(subscription=subscription)
        assert delivery.state == DeliveryState.PENDING and delivery.attempts == 1
        first = Attempt.objects.get(delivery=delivery)
        assert (first.status_code, first.problem) == (503, Problem.STATUS)
        assert first.response_excerpt == "receiver says no"
        # The next try waits a minute, as a queued job that run_jobs starts when its time comes.
        waiting = Job.objects.get(kind=KIND, state=JobState.QUEUED)
        assert waiting.not_before is not None
        assert waiting.not_before - first.at == RETRY_AFTER[0]
        assert runner.next_queued() is None  # not before its time
        _run_due_retry()
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 2
    assert len(hook.received) == 2
    # The same event both times: the receiver can tell a retry by its id.
    assert hook.received[0][0]["cairn-event-id"] == hook.received[1][0]["cairn-event-id"]
    assert hook.received[0][1] == hook.received[1][1]
    assert Subscription.objects.get(pk=subscription.pk).state == SubscriptionState.ACTIVE


def test_after_the_last_try_the_delivery_gives_up_and_the_subscription_is_failing(
    pat, django_capture_on_commit_callbacks, client_for
) -> None:
    with receiver(*[500] * MAX_ATTEMPTS) as hook:
        subscription, _secret = _subscribe(hook.url)
        with django_capture_on_commit_callbacks(execute=True):
            _sign_note(pat)
        waits = []
        for _try in range(MAX_ATTEMPTS - 1):
            delivery = Delivery.objects.get(subscription=subscription)
            last = Attempt.objects.filter(delivery=delivery).order_by("-number")[0]
            assert delivery.next_attempt_at is not None
            waits.append(delivery.next_attempt_at - last.at)
            _run_due_retry()
    assert waits == list(RETRY_AFTER)
    assert sum(waits, timedelta()) == timedelta(hours=20, minutes=36)
    assert len(hook.received) == MAX_ATTEMPTS == 7
    delivery = Delivery.objects.get(subscription=subscription)
    assert delivery.state == DeliveryState.FAILED and delivery.next_attempt_at is None
    assert not Job.objects.filter(kind=KIND, state=JobState.QUEUED).exists()
    subscription.refresh_from_db()
    assert subscription.state == SubscriptionState.FAILING and subscription.failing_since
    page = client_for("max").get("/webhooks/").content.decode()
    assert "Failing" in page and "Deliveries are failing" in page


def test_a_name_that_resolves_inside_at_delivery_is_refused_and_nothing_is_sent(
    pat, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    with receiver() as hook:
        monkeypatch.setattr(addresses, "resolve", lambda host, port: ["93.184.216.34"])
        subscription, _secret = _subscribe("https://receiver.example/hooks", private=False)
        # DNS rebinding: the same name now answers with a loopback address.
        monkeypatch.setattr(addresses, "resolve", lambda host, port: ["127.0.0.1"])
        with django_capture_on_commit_callbacks(execute=True):
            _sign_note(pat)
    attempt = Attempt.objects.get(subscription=subscription)
    assert attempt.problem == Problem.REFUSED_ADDRESS and attempt.status_code is None
    assert hook.received == []


def test_the_delivery_connects_to_the_address_it_checked(
    pat, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    """The name is resolved once, by the check; the connection goes to that address and the
    request still names the receiver's host."""
    asked = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    monkeypatch.setattr(addresses, "resolve", resolve)
    with receiver() as hook:
        port = hook.url.rsplit(":", 1)[1].split("/")[0]
        subscription, _secret = _subscribe(f"http://receiver.invalid:{port}/in")
        with django_capture_on_commit_callbacks(execute=True):
            _sign_note(pat)
    ((headers, _body),) = hook.received
    assert headers["host"] == f"receiver.invalid:{port}"
    assert asked == ["receiver.invalid", "receiver.invalid"]  # at saving, and at delivery
    assert Attempt.objects.get(subscription=subscription).succeeded


def test_a_redirect_is_not_followed(pat, django_capture_on_commit_callbacks) -> None:
    with receiver(302, location="http://127.0.0.1:9/elsewhere") as hook:
        subscription, _secret = _subscribe(hook.url)
        with django_capture_on_commit_callbacks(execute=True):
            _sign_note(pat)
    assert len(hook.received) == 1
    attempt = Attempt.objects.get(subscription=subscription)
    assert (attempt.status_code, attempt.problem) == (302, Problem.REDIRECT)


def test_a_receiver_without_tls_on_an_https_address_is_a_tls_problem(
    pat, django_capture_on_commit_callbacks
) -> None:
    with receiver() as hook:
        subscription, _secret = _subscribe(hook.url.replace("http://", "https://"))
        with django_capture_on_commit_callbacks(execute=True):
            _sign_note(pat)
    attempt = Attempt.objects.get(subscription=subscription)
    assert attempt.problem in {Problem.TLS, Problem.CONNECTION} and not attempt.succeeded


def test_only_subscribed_events_are_sent(pat, django_capture_on_commit_callbacks) -> None:
    with receiver() as hook:
        subscription, _secret = _subscribe(hook.url, [EventType.APPOINTMENT_CHANGED])
        with django_capture_on_commit_callbacks(execute=True):
            _sign_note(pat)
    assert hook.received == []
    assert not Delivery.objects.filter(subscription=subscription).exists()


def test_appointments_referrals_and_check_in_signals_emit_their_events(
    pat, django_capture_on_commit_callbacks
) -> None:
    from directory import demo as directory_demo
    from directory.models import Service
    from referrals.services import close_referral, send_referral
    from referrals.tests.test_referrals import ANCHOR, CLINIC, _consent

    with receiver() as hook:
        subscription, _secret = _subscribe(
            hook.url, [value for value, _l in EventType.subscribable()]
        )
        ana = _member("ana")
        with django_capture_on_commit_callbacks(execute=True):
            appointment = book_appointment(
                acting=ana,
                participant=pat,
                starts_at=timezone.now() + timedelta(days=2),
                duration_minutes=30,
            )
        with django_capture_on_commit_callbacks(execute=True):
            signal = raise_for_check_in(
                acting=_member("pat"),
                participant=pat,
                check_in_id=Assessment.objects.filter(participant=pat).values_list("id", flat=True)[
                    0
                ],
                answers={"today": 1, "urges": 4},
                asked_for_call=False,
            )
        assert signal is not None
        directory_demo.seed(pat.organization, anchor=ANCHOR)
        _consent(pat)
        clinic = Service.objects.get(name=CLINIC)
        with django_capture_on_commit_callbacks(execute=True):
            sent = send_referral(
                acting=ana,
                participant=pat,
                service=clinic,
                need="treatment",
                note="",
                categories=["contact"],
            )
        with django_capture_on_commit_callbacks(execute=True):
            close_referral(acting=ana, referral=sent.referral)
    got = [json.loads(body) for _headers, body in hook.received]
    assert [(e["type"], e["resource"]["type"], e["resource"]["id"]) for e in got] == [
        ("appointment.changed", "appointment", str(appointment.pk)),
        ("check_in.signal", "reach_out_signal", str(signal.pk)),
        ("referral.state_changed", "referral", str(sent.referral.pk)),
        ("referral.state_changed", "referral", str(sent.referral.pk)),
    ]
    assert len({e["id"] for e in got}) == 4
    assert Delivery.objects.filter(subscription=subscription, state="delivered").count() == 4


def test_an_emit_waits_for_the_commit(pat) -> None:
    with receiver() as hook:
        subscription, _secret = _subscribe(hook.url)
        emit(
            organization_id=pat.organization_id,
            event_type=EventType.NOTE_SIGNED,
            resource_type="encounter",
            resource_id=pat.pk,
        )
    # Inside the test's own transaction, the queueing waits for a commit that never comes.
    assert hook.received == []
    assert not Delivery.objects.filter(subscription=subscription).exists()


def test_a_paused_subscription_holds_its_tries_and_resuming_sends_each_once(
    pat, django_capture_on_commit_callbacks
) -> None:
    from webhooks.services import set_paused

    admin = _member("max")
    with receiver(503) as hook:
        subscription, _secret = _subscribe(hook.url)
        with django_capture_on_commit_callbacks(execute=True):
            _sign_note(pat)
        set_paused(acting=admin, subscription=subscription, paused=True)
        _run_due_retry()  # its time came while paused: nothing is sent
        assert len(hook.received) == 1
        retry = Job.objects.filter(kind=KIND).order_by("-created_at")[0]
        Job.objects.filter(pk=retry.pk).update(state=JobState.QUEUED)  # as if it still waited
        with django_capture_on_commit_callbacks(execute=True):
            set_paused(acting=admin, subscription=subscription, paused=False)
        assert len(hook.received) == 2  # resuming sent the held try at once
        _run_due_retry()  # the earlier job for the same try finds it taken
    assert len(hook.received) == 2
    delivery = Delivery.objects.get(subscription=subscription)
    assert (delivery.state, delivery.attempts) == (DeliveryState.DELIVERED, 2)
    assert list(Attempt.objects.filter(delivery=delivery).values_list("number", flat=True)) == [
        2,
        1,
    ]
