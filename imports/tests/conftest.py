"""Shortcuts for the import tests: upload a file as someone and walk it to the dry run."""

from collections.abc import Callable

import pytest

from cairn.demo import DemoWorld
from imports import services
from imports.models import ImportBatch
from organizations.models import Membership


@pytest.fixture
def membership(demo: DemoWorld) -> Callable[[str], Membership]:
    def get(username: str) -> Membership:
        return Membership.objects.get(user=demo.users[username])

    return get


@pytest.fixture
def checked(membership: Callable[[str], Membership]) -> Callable[..., ImportBatch]:
    """Upload `raw` as `who`, keep the suggested mapping, run the dry run; the checked batch."""

    def run(
        raw: bytes,
        who: str = "mia",
        kind: str = "participants",
        filename: str = "people.csv",
        date_style: str = "iso",
    ) -> ImportBatch:
        acting = membership(who)
        batch = services.upload(acting=acting, kind=kind, filename=filename, raw=raw)
        services.save_mapping(
            acting=acting, batch=batch, mapping=batch.mapping, date_style=date_style
        )
        services.dry_run(acting=acting, batch=batch)
        batch.refresh_from_db()
        return batch

    return run
