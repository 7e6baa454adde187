"""The inline language checker and the administrator's lexicon page."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coaching.forms import CustomTermForm
from coaching.language import builtin_entries, check
from coaching.models import CustomTerm, DisabledEntry
from coaching.selectors import entries_for, replacement_for
from coaching.services import add_custom_term, remove_custom_term, set_entry_enabled
from lib.access import acting_membership, member_required, visible_or_404
from organizations.models import Role

CHECKED_FIELDS = frozenset(
    {
        "summary",
        "topics",
        "coach_actions",
        "participant_response",
        "next_steps",
        "text",
        "shared_note",
        "comment",
    }
)
MAX_CHECK_CHARS = 20000


@require_POST
@member_required(Role.COACH, Role.SUPERVISOR, Role.MANAGER)
def check_field(request: HttpRequest) -> HttpResponse:
    """htmx: findings for one field as it is typed. Nothing is stored or logged."""
    field = request.GET.get("field", "")
    text = request.POST.get(field, "")[:MAX_CHECK_CHARS] if field in CHECKED_FIELDS else ""
    findings = check(text, entries_for(acting_membership(request).organization))
    rows = [(f, replacement_for(f.suggestion)) for f in findings]
    return render(
        request,
        "coaching/_findings.html",
        {"rows": rows, "field_id": f"id_{field}", "count": len(rows)},
    )


@member_required(Role.ADMIN)
def lexicon(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    organization = membership.organization
    form = CustomTermForm(request.POST or None, organization=organization)
    if request.method == "POST":
        action = request.POST.get("action", "add")
        if action in {"enable", "disable"}:
            entry_id = request.POST.get("entry", "")
            if entry_id in {e.id for e in builtin_entries()}:
                set_entry_enabled(acting=membership, entry_id=entry_id, enabled=action == "enable")
                messages.success(request, _("Saved."))
            return redirect("coaching:lexicon")
        if action == "remove":
            term = visible_or_404(
                CustomTerm.objects.filter(organization=organization),
                request,
                id=request.POST.get("term", ""),
            )
            remove_custom_term(acting=membership, term=term)
            messages.success(request, _("Removed %(phrase)s.") % {"phrase": term.phrase})
            return redirect("coaching:lexicon")
        if form.is_valid():
            add_custom_term(acting=membership, **form.cleaned_data)
            messages.success(
                request, _("Added %(phrase)s.") % {"phrase": form.cleaned_data["phrase"]}
            )
            return redirect("coaching:lexicon")
    disabled = set(
        DisabledEntry.objects.filter(organization=organization).values_list("entry_id", flat=True)
    )
    return render(
        request,
        "coaching/lexicon.html",
        {
            "entries": [(e, e.id not in disabled) for e in builtin_entries()],
            "terms": CustomTerm.objects.filter(organization=organization),
            "form": form,
        },
    )
