"""The audit review's table as display values: each event's cells are written once here, and the
labels shared by many events (an action, a role, what was opened) are worked out once a page."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from audit import labels
from audit.models import Action, AuditEvent
from lib.when import show_datetime
from organizations.models import Role


@dataclass(frozen=True)
class ReviewRow:
    when: str
    who: str
    role: str  # "Program manager"; a role no longer known as it was stored
    action: str
    access_change: bool  # shown apart (in bold): a change to who may see records
    target: str
    participant_id: Any
    name: str  # the participant's name, "" when the record is no longer in Cairn
    fields: str


def review_rows(events: Iterable[AuditEvent], names: dict[Any, str]) -> list[ReviewRow]:
    actions = {value: str(label) for value, label in Action.choices}
    roles = {value: str(label) for value, label in Role.choices}
    access_changes = Action.access_changes()
    targets: dict[tuple[str, str], str] = {}
    fields: dict[tuple[str, tuple[str, ...]], str] = {}
    rows = []
    for e in events:
        target_key = (e.target_type, e.target_id or "")
        if target_key not in targets:
            targets[target_key] = labels.target_label(*target_key)
        field_key = (e.target_type, tuple(e.changed_fields or ()))
        if field_key not in fields:
            fields[field_key] = ", ".join(
                labels.field_label(e.target_type, name) for name in field_key[1]
            )
        rows.append(
            ReviewRow(
                when=show_datetime(e.created_at),
                who=e.actor_username,
                role=roles.get(e.role, e.role),
                action=actions.get(e.action, e.action),
                access_change=e.action in access_changes,
                target=targets[target_key],
                participant_id=e.participant_id,
                name=names.get(e.participant_id, "") if e.participant_id else "",
                fields=fields[field_key],
            )
        )
    return rows
