"""Creating an organization starts its audit chain with an event saying so."""

from accounts.models import User
from audit.models import Action, AuditChainHead, AuditEvent
from audit.selectors import verify_chain
from organizations.services import create_organization


def test_creating_an_organization_writes_its_first_audit_event(db: None) -> None:
    founder = User.objects.create(username="founder", preferred_name="Founder")

    organization = create_organization(name="Lakeside Peers", slug="lakeside", actor=founder)

    (event,) = AuditEvent.objects.filter(chain=organization.pk)
    assert (event.seq, event.prev_hash) == (1, "0" * 64)
    assert event.action == Action.CREATE
    assert event.target_type == "organizations.organization"
    assert event.target_id == str(organization.pk)
    assert event.organization_id == organization.pk
    assert (event.actor_id, event.actor_username) == (founder.pk, "founder")
    assert event.changed_fields == ["name", "slug"]
    assert AuditChainHead.objects.get(chain=organization.pk).last_hash == event.hash
    assert verify_chain(organization.pk).ok


def test_an_organization_made_by_a_command_is_created_by_no_one(db: None) -> None:
    organization = create_organization(name="Lakeside Peers", slug="lakeside")

    event = AuditEvent.objects.get(chain=organization.pk)
    assert (event.action, event.actor_id, event.actor_username) == (Action.CREATE, None, "")
