"""manage.py verify_audit [--org SLUG]: check every audit chain and name the first broken link."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.models import GLOBAL_CHAIN
from audit.selectors import chains_to_verify, verify_chain
from organizations.models import Organization


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail, per organization."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="slug of one organization to verify")

    def handle(self, *args: Any, **options: Any) -> None:
        names = dict(Organization.objects.values_list("pk", "slug"))
        names[GLOBAL_CHAIN] = "(no organization)"
        org_id = None
        if options["org"]:
            org = Organization.objects.filter(slug=options["org"]).first()
            if org is None:
                raise CommandError(f"No organization with slug {options['org']!r}.")
            org_id = org.pk
        broken = 0
        for chain in chains_to_verify(org_id):
            report = verify_chain(chain)
            label = names.get(chain, f"organization #{chain}")
            if report.ok:
                self.stdout.write(f"ok      {label}: {report.events_checked} events, chain intact")
            else:
                broken += 1
                self.stdout.write(
                    f"BROKEN  {label}: first broken link is event id {report.first_broken_id} "
                    f"(link {report.first_broken_seq}): {report.problem}"
                )
        if broken:
            raise CommandError(
                f"{broken} audit {'chain is' if broken == 1 else 'chains are'} broken."
            )
