"""Reading the audit trail: chain verification and the review list."""

from dataclasses import dataclass

from audit.chain import GENESIS_HASH, event_hash
from audit.models import AuditEvent


@dataclass(frozen=True)
class ChainReport:
    chain: int
    events_checked: int
    first_broken_seq: int | None = None
    first_broken_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None


def verify_chain(chain: int, *, batch_size: int = 5000) -> ChainReport:
    """Walk one chain in order; report the first event whose link or content does not hold."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    events = AuditEvent.objects.filter(chain=chain).order_by("seq")
    for event in events.iterator(chunk_size=batch_size):
        problem = ""
        if event.seq != expected_seq:
            problem = f"expected link {expected_seq}, found {event.seq} (an event is missing)"
        elif event.prev_hash != expected_prev:
            problem = "does not point at the hash of the event before it"
        elif event_hash(event) != event.hash:
            problem = "its content no longer matches its hash (it was changed)"
        if problem:
            return ChainReport(chain, checked, event.seq, event.pk, problem)
        checked += 1
        expected_prev = event.hash
        expected_seq += 1
    return ChainReport(chain, checked)


def chains_to_verify(organization_id: int | None = None) -> list[int]:
    if organization_id is not None:
        return [organization_id]
    return sorted(set(AuditEvent.objects.values_list("chain", flat=True).distinct()))
