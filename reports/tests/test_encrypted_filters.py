"""Report filters on encrypted answers (pathway, gender, culture) compare keyed hashes in SQL and
find exactly the people whose decrypted answers match, with the same figures counted both ways."""

from datetime import date

from cairn.demo import DemoWorld
from lib.blind_index import normalized
from participants.models import Participant, Pathway
from reports import selectors
from reports.selectors import Filters

YEAR = {"start": date(2024, 1, 1), "end": date(2026, 11, 1)}


def _in_scope(demo: DemoWorld, **filters: str) -> set[object]:
    people = selectors.people_in_scope(
        user=demo.users["mia"],
        organization=demo.organizations["harbor"],
        filters=Filters(**YEAR, **filters),  # type: ignore[arg-type]
    )
    return set(people.values_list("pk", flat=True))


def _everyone(demo: DemoWorld) -> list[Participant]:
    return list(Participant.objects.visible_to(demo.users["mia"], demo.organizations["harbor"]))


def test_pathway_filter_finds_exactly_the_people_who_named_it(demo: DemoWorld) -> None:
    everyone = _everyone(demo)
    found_any = False
    for pathway in Pathway.values:
        wanted = {p.pk for p in everyone if pathway in p.pathways}
        assert _in_scope(demo, pathway=pathway) == wanted, pathway
        found_any = found_any or bool(wanted)
    assert found_any


def test_gender_and_culture_filters_ignore_case_and_spacing(demo: DemoWorld) -> None:
    for person, culture in zip(_everyone(demo), ["Lakota", "lakota ", "Irish"], strict=False):
        person.race_ethnicity = culture  # the demo leaves this answer blank
        person.save(update_fields=["race_ethnicity"])
    everyone = _everyone(demo)
    for name in ("gender_identity", "race_ethnicity"):
        answers = {getattr(p, name) for p in everyone if getattr(p, name)}
        assert answers, name
        for answer in answers:
            wanted = {p.pk for p in everyone if normalized(getattr(p, name)) == normalized(answer)}
            typed = f"  {answer.upper()} "
            assert _in_scope(demo, **{name: typed}) == wanted, (name, answer)


def test_counted_figures_equal_by_person_figures_with_a_pathway_filter(demo: DemoWorld) -> None:
    harbor, mia = demo.organizations["harbor"], demo.users["mia"]
    filters = Filters(**YEAR, pathway=Pathway.MEDICATION)  # type: ignore[arg-type]
    counted = selectors.dashboard(user=mia, organization=harbor, filters=filters)
    by_person, _ids = selectors.by_person(user=mia, organization=harbor, filters=filters)
    assert counted == by_person
    assert counted.served  # the filter leaves people to count
