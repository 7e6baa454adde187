"""Delivering events to receivers: the signed POST, the retries with backoff, the delivery log.

Each try is a background job (`webhooks.deliver`); a failed try queues the next one with a later
`not_before`, which `run_jobs` or `run_timers` starts when its time comes. After the last try the
delivery is given up and its subscription marked failing, which its administrator sees.
"""

import hashlib
import hmac
import http.client
import json
import logging
import socket
import ssl
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from jobs.models import Job
from jobs.runner import JobResult, Progress, register, start_when_committed
from webhooks.addresses import AddressRefused, Receiver, check_receiver
from webhooks.models import (
    Attempt,
    Delivery,
    DeliveryState,
    Problem,
    Subscription,
    SubscriptionState,
)
from webhooks.selectors import settings_for

logger = logging.getLogger(__name__)

KIND = "webhooks.deliver"
# The wait before each try after the first: 7 tries over about 20.5 hours, then given up.
RETRY_AFTER = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(RETRY_AFTER) + 1
TIMEOUT_SECONDS = 5.0  # to connect, and for each read of the answer
EXCERPT_BYTES = 200  # of the receiver's answer, kept to recognise an error page
USER_AGENT = "Cairn-Webhooks/1"
SIGNATURE_HEADER = "Cairn-Signature"
TIMESTAMP_HEADER = "Cairn-Timestamp"
EVENT_ID_HEADER = "Cairn-Event-Id"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`v1=` and the hex HMAC-SHA256, keyed with the secret, of `timestamp.body`."""
    signed = timestamp.encode("ascii") + b"." + body
    return "v1=" + hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8")


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    duration_ms: int
    problem: str  # a Problem value; "" when delivered
    excerpt: str = ""

    @property
    def delivered(self) -> bool:
        return not self.problem


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the name resolves to now."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """The same over TLS: the certificate is checked against the name, not the address."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


def post(receiver: Receiver, *, body: bytes, headers: dict[str, str]) -> Outcome:
    """One POST to the first checked address; redirects are answers, never followed."""
    host = f"[{receiver.host}]" if ":" in receiver.host else receiver.host
    address = str(receiver.addresses[0])
    kind = _PinnedHTTPS if receiver.scheme == "https" else _PinnedHTTP
    connection = kind(host, receiver.port, address=address, timeout=TIMEOUT_SECONDS)
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        connection.request("POST", receiver.path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_BYTES).decode("utf-8", "replace")
        status = response.status
    except TimeoutError:
        return Outcome(None, elapsed(), Problem.TIMEOUT)
    except ssl.SSLError:
        return Outcome(None, elapsed(), Problem.TLS)
    except (OSError, http.client.HTTPException):
        return Outcome(None, elapsed(), Problem.CONNECTION)
    finally:
        connection.close()
    if 300 <= status < 400:
        return Outcome(status, elapsed(), Problem.REDIRECT, excerpt)
    if not 200 <= status < 300:
        return Outcome(status, elapsed(), Problem.STATUS, excerpt)
    return Outcome(status, elapsed(), "", excerpt)


def send(subscription: Subscription, payload: dict[str, Any]) -> Outcome:
    """Check the receiver's address again now, then POST the signed payload to it."""
    allow_private = settings_for(subscription.organization_id).allow_private_addresses
    try:
        receiver = check_receiver(subscription.url, allow_private=allow_private)
    except AddressRefused as refused:
        return Outcome(None, 0, Problem.NOT_FOUND if refused.not_found else Problem.REFUSED_ADDRESS)
    body = body_of(payload)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_ID_HEADER: str(payload["id"]),
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(subscription.secret, timestamp, body),
    }
    return post(receiver, body=body, headers=headers)


def queue(delivery: Delivery, *, not_before: Any = None) -> Job:
    """A job for the delivery's next try, started when the current transaction commits."""
    job = Job.objects.create(
        organization_id=delivery.organization_id,
        requested_by_id=delivery.subscription.created_by_id,
        kind=KIND,
        title="Webhook delivery",
        params={"delivery_id": str(delivery.id), "try": delivery.attempts + 1},
        not_before=not_before,
    )
    start_when_committed(job)
    return job


def _claim(delivery_id: uuid.UUID, number: int) -> Delivery | None:
    """Take try `number` of a waiting delivery, once: a conditional UPDATE, so a second job for
    the same try (one queued again on resume) finds it taken and does nothing."""
    claimed = (
        Delivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING, attempts=number - 1)
        .exclude(subscription__state=SubscriptionState.PAUSED)
        .update(attempts=number)
    )
    if not claimed:
        return None  # deleted, done already, taken, or held until the subscription is resumed
    return Delivery.objects.select_related("subscription").get(pk=delivery_id)


def attempt(delivery_id: uuid.UUID, number: int) -> Attempt | None:
    """Try `number` of a waiting delivery, logged; the next try queued, or the delivery given
    up."""
    delivery = _claim(delivery_id, number)
    if delivery is None:
        return None
    subscription = delivery.subscription
    outcome = send(subscription, delivery.payload)
    now = timezone.now()
    with transaction.atomic():
        row = Attempt.objects.create(
            organization_id=delivery.organization_id,
            delivery=delivery,
            subscription=subscription,
            number=number,
            at=now,
            status_code=outcome.status_code,
            duration_ms=outcome.duration_ms,
            succeeded=outcome.delivered,
            problem=outcome.problem,
            response_excerpt=outcome.excerpt[:EXCERPT_BYTES],
        )
        if outcome.delivered:
            delivery.state = DeliveryState.DELIVERED
            delivery.next_attempt_at = None
            Subscription.objects.filter(pk=subscription.pk, state=SubscriptionState.FAILING).update(
                state=SubscriptionState.ACTIVE, failing_since=None
            )
        elif number >= MAX_ATTEMPTS:
            delivery.state = DeliveryState.FAILED
            delivery.next_attempt_at = None
            Subscription.objects.filter(pk=subscription.pk, state=SubscriptionState.ACTIVE).update(
                state=SubscriptionState.FAILING, failing_since=now
            )
        else:
            delivery.next_attempt_at = now + RETRY_AFTER[number - 1]
            queue(delivery, not_before=delivery.next_attempt_at)
        delivery.save(update_fields=["state", "next_attempt_at"])
    # The log names the delivery and the outcome's kind only: never the secret or the body.
    logger.info(
        "webhook delivery %s try %s: %s", delivery.id, number, outcome.problem or "delivered"
    )
    return row


@register(KIND, listed=False)
def deliver(job: Job, progress: Progress) -> JobResult:
    row = attempt(uuid.UUID(job.params["delivery_id"]), int(job.params.get("try", 1)))
    progress(1, 1)
    summary = "" if row is None else ("delivered" if row.succeeded else row.problem)
    return JobResult(filename="", content_type="", content=b"", summary=summary)
