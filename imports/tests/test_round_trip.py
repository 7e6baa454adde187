"""Export from one organization, import into a fresh one: the same people come out the other end."""

from collections.abc import Callable

from cairn.demo import DemoWorld
from encounters.models import Encounter
from encounters.services import ensure_service_types
from exports.services import ExportRequest, run_export
from imports import services
from organizations.models import Membership, Organization, Role
from participants.models import Participant

FIELDS = [
    "preferred_name",
    "legal_name",
    "pronouns",
    "date_of_birth",
    "age_range",
    "preferred_language",
    "gender_identity",
    "race_ethnicity",
    "sexual_orientation",
    "veteran_status",
    "referral_source",
    "pathways",
    "phone",
    "email",
    "coach_id",
    "status",
    "enrolled_on",
]


def _people(organization: Organization) -> list[tuple[object, ...]]:
    return sorted(
        tuple(getattr(p, name) for name in FIELDS)
        for p in Participant.objects.filter(organization=organization)
    )


def test_participants_exported_from_harbor_import_into_a_fresh_organization_unchanged(
    demo: DemoWorld, membership: Callable[[str], Membership]
) -> None:
    harbor = demo.organizations["harbor"]
    mia = membership("mia")
    exported = run_export(
        acting=mia,
        request=ExportRequest(dataset="participants"),
        people=Participant.objects.visible_to(mia.user, harbor),
    )
    elm = Organization.objects.create(slug="elm", name="Elm Recovery")
    manager = Membership.objects.create(organization=elm, user=mia.user, role=Role.MANAGER)
    for coach in Membership.objects.filter(organization=harbor, role=Role.COACH):
        Membership.objects.create(organization=elm, user=coach.user, role=Role.COACH)

    batch = services.upload(
        acting=manager, kind="participants", filename=exported.filename, raw=exported.content
    )
    services.save_mapping(acting=manager, batch=batch, mapping=batch.mapping, date_style="iso")
    services.dry_run(acting=manager, batch=batch)
    assert services.problems_of(batch) == []
    services.apply(acting=manager, batch=batch)

    assert len(_people(harbor)) > 5
    assert _people(elm) == _people(harbor)
    again = services.upload(
        acting=manager, kind="participants", filename=exported.filename, raw=exported.content
    )
    services.save_mapping(acting=manager, batch=again, mapping=again.mapping, date_style="iso")
    services.dry_run(acting=manager, batch=again)
    assert again.skipped_count == Participant.objects.filter(organization=harbor).count()


CONTACT_FIELDS = ["contact_type", "outcome", "started_at", "occurred_on", "duration_minutes"]


def test_contacts_follow_their_people_into_the_fresh_organization(
    demo: DemoWorld, membership: Callable[[str], Membership]
) -> None:
    harbor = demo.organizations["harbor"]
    mia, ana = membership("mia"), membership("ana")
    people = Participant.objects.visible_to(ana.user, harbor)
    files = {
        key: run_export(acting=mia, request=ExportRequest(dataset=key), people=people)
        for key in ["participants", "contacts"]
    }
    elm = Organization.objects.create(slug="elm", name="Elm Recovery")
    created = Membership.objects.create(organization=elm, user=ana.user, role=Role.COACH)
    # A fresh user object, as a new request has (memberships are cached on the user).
    ana_at_elm = Membership.objects.select_related("user", "organization").get(pk=created.pk)
    ensure_service_types(elm)
    for kind, exported in files.items():
        batch = services.upload(
            acting=ana_at_elm, kind=kind, filename=exported.filename, raw=exported.content
        )
        services.save_mapping(
            acting=ana_at_elm, batch=batch, mapping=batch.mapping, date_style="iso"
        )
        services.dry_run(acting=ana_at_elm, batch=batch)
        assert services.problems_of(batch) == []
        services.apply(acting=ana_at_elm, batch=batch)

    def contacts(organization: Organization) -> list[tuple[object, ...]]:
        return sorted(
            (
                e.participant.preferred_name,
                e.service_type.name if e.service_type else "",
                *(getattr(e, name) for name in CONTACT_FIELDS),
            )
            for e in Encounter.objects.filter(organization=organization).select_related(
                "participant", "service_type"
            )
            if e.author_id == ana.user_id
        )

    assert len(contacts(harbor)) > 5
    assert contacts(elm) == contacts(harbor)
