"""URLs by record id for long lists: a page of a few hundred rows reverses each route once."""

import uuid

from django.urls import reverse

_PLACEHOLDER = str(uuid.UUID(int=0))


class IdUrl:
    """A route taking one id (a participant's, a note's), reversed once; each row only puts its
    id in the middle. `IdUrl("participants:detail")(p.id)` equals
    `reverse("participants:detail", args=[p.id])` for a UUID id."""

    def __init__(self, name: str) -> None:
        self.before, self.after = reverse(name, args=[_PLACEHOLDER]).split(_PLACEHOLDER)

    def __call__(self, pk: object) -> str:
        return f"{self.before}{pk}{self.after}"
