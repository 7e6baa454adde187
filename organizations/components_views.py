"""The interface's component set, shown with the markup to reuse: for staff building pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lib.templatetags.icons import vendored_icons
from organizations.access import member_required
from organizations.models import Role


@member_required(*Role.staff())
def components(request: HttpRequest) -> HttpResponse:
    # No participant data: every example is made-up text written in the template.
    return render(request, "organizations/components.html", {"icons": vendored_icons()})
