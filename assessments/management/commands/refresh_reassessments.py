"""Rebuild every stored reassessment window (after an upgrade, and daily to move the horizon)."""

from typing import Any

from django.core.management.base import BaseCommand

from assessments.windows import refresh_organizations
from organizations.models import Organization


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        ids = list(Organization.objects.order_by("pk").values_list("pk", flat=True))
        written = refresh_organizations(ids)
        self.stdout.write(f"{written} reassessment windows stored for {len(ids)} organizations.")
