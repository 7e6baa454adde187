"""Corrections: a signed contact never changes (addenda only), so a line that was wrong is
voided, and kept with who voided it, when and why; when the contact is still billable it is
worked out again as a replacement line that names the voided one. A replacement of a line the
payer was sent goes out as a replacement claim (837P frequency 7, see billing.claims)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import Target, record_member_action
from billing.models import BatchState, BillableLine, LineState
from billing.services import assess
from organizations.models import Membership


class CannotVoid(Exception):
    """The line cannot be voided now; the message says why and what to do instead."""


def void_line(
    *, acting: Membership, line: BillableLine, reason: str, replace: bool
) -> BillableLine | None:
    """Void the line (kept, with the reason) and, when asked, make its replacement; returns the
    replacement. One transaction: both happen, or neither."""
    with transaction.atomic():
        current = (
            BillableLine.objects.select_for_update(of=("self",))
            .select_related("batch", "encounter")
            .get(pk=line.pk)
        )
        if current.state == LineState.VOID:
            raise CannotVoid(_("This line was already voided; nothing changed."))
        if current.batch is not None and current.batch.state == BatchState.OPEN:
            raise CannotVoid(
                _(
                    "This line is in a batch that was not sent yet: cancel the batch instead "
                    "(its lines are worked out again). Nothing changed."
                )
            )
        current.state = LineState.VOID
        current.voided_at = timezone.now()
        current.voided_by = acting.user
        current.void_reason = reason
        current.save(update_fields=["state", "voided_at", "voided_by", "void_reason"])
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target.of(current),
            participant_id=current.participant_id,
            changed_fields=["state", "void_reason"],
        )
        if not replace:
            return None
        replacement = BillableLine.objects.create(
            organization_id=current.organization_id,
            participant_id=current.participant_id,
            encounter=current.encounter,
            service_date=current.service_date,
            minutes=current.minutes,
            rendering_provider_id=current.rendering_provider_id,
            replaces=current,
            **assess(current.encounter).fields(),
        )
        record_member_action(
            acting=acting,
            action=Action.CREATE,
            target=Target.of(replacement),
            participant_id=current.participant_id,
            changed_fields=["replaces", "state", "units"],
        )
    return replacement
