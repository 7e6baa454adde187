"""What an audit event's target and changed fields are called in words, for people reading the
audit review or a record's change history (the event itself keeps the stored names)."""

import re

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Pages and downloads that are not a model: what a person opened (and a few models whose own
# name is not the word people use for them).
PAGES = {
    "accounts.codethrottle": gettext_lazy("pause after wrong codes"),
    "accounts.user": gettext_lazy("account"),
    "accounts.passwordreset": gettext_lazy("new-password code"),
    "accounts.portalcode": gettext_lazy("portal invitation code"),
    "assessments.list": gettext_lazy("assessments"),
    "audit.access_report": gettext_lazy("who looked at the record"),
    "audit.review": gettext_lazy("audit review"),
    "coaching.lexicon": gettext_lazy("language checker word list"),
    "consent.accounting_csv": gettext_lazy("accounting of disclosures"),
    "consent.list": gettext_lazy("consents"),
    "consent.participant_record": gettext_lazy("copy of the record"),
    "consent.scan": gettext_lazy("scan of a signed consent"),
    "encounters.review": gettext_lazy("notes to co-sign"),
    "demo": gettext_lazy("demo data"),
    "encounters.encounter": gettext_lazy("contact note"),
    "encounters.timeline": gettext_lazy("list of contacts"),
    "encounters.today": gettext_lazy("Today"),
    "encounters.today_outcome": gettext_lazy("how a call went, from Today"),
    "exports.disclosure_preview": gettext_lazy("preview of a shared export"),
    "imports.check": gettext_lazy("import check"),
    "imports.errors": gettext_lazy("rows not imported"),
    "imports.mapping": gettext_lazy("import column matching"),
    "inbox.thread": gettext_lazy("messages with one person"),
    "inbox.threads": gettext_lazy("messages"),
    "participants.emergency": gettext_lazy("emergency access"),
    "participants.emergency_review": gettext_lazy("emergency access review"),
    "participants.history": gettext_lazy("change history"),
    "participants.list": gettext_lazy("caseload list"),
    "portal.notes": gettext_lazy("own notes, in the portal"),
    "portal.preference": gettext_lazy("own contact preferences, in the portal"),
    "portal.record": gettext_lazy("own record, in the portal"),
    "reports.dashboard": gettext_lazy("program reports"),
    "reports.mine": gettext_lazy("my work"),
    "reports.rows": gettext_lazy("people behind a report figure"),
    "safety.card": gettext_lazy("safety plan wallet card"),
    "safety.plan": gettext_lazy("safety plan"),
    "session": gettext_lazy("sign-in"),
    "url": gettext_lazy("page"),
}
# Families of targets named after a changing part (an export's data set, a safety plan part).
FAMILIES = {
    "exports": gettext_lazy("export"),
    "safety": gettext_lazy("safety plan"),
}
COUNTED = re.compile(r"^(?P<label>[a-z_]+\.[A-Za-z_]+):(?P<count>\d+)$")


def _model(target_type: str) -> type[Model] | None:
    app_label, _dot, name = target_type.partition(".")
    try:
        return apps.get_model(app_label, name)
    except (LookupError, ValueError):
        return None


def _words(name: str) -> str:
    return name.rpartition(".")[2].replace("_", " ")


def target_label(target_type: str, target_id: str = "") -> str:
    """`consent.consent` -> "consent"; `encounters.timeline` -> "list of contacts"; a refused
    page (`url`, `participants:detail`) -> "page: participants detail"."""
    if not target_type:
        return ""
    if target_type == "url" and target_id:
        return f"{PAGES['url']}: {target_id.replace(':', ' ').replace('_', ' ')}"
    if target_type in PAGES:
        return str(PAGES[target_type])
    model = _model(target_type)
    if model is not None:
        return str(model._meta.verbose_name)
    family = FAMILIES.get(target_type.partition(".")[0])
    if family is not None:
        return f"{family}: {_words(target_type)}"
    return _words(target_type)


def field_label(target_type: str, name: str) -> str:
    """A changed field's name in words (`disclosing_party` -> "disclosing party"); a purge's
    `participants.Participant:3` -> "participants: 3"."""
    counted = COUNTED.match(name)
    if counted:
        model = _model(counted["label"])
        what = model._meta.verbose_name_plural if model is not None else _words(counted["label"])
        return _("%(what)s: %(count)s") % {"what": what, "count": counted["count"]}
    model = _model(target_type)
    if model is not None:
        try:
            verbose = getattr(model._meta.get_field(name), "verbose_name", None)
        except FieldDoesNotExist:
            verbose = None
        if verbose:
            return str(verbose)
    return _words(name)
