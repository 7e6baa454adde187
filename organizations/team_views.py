"""A supervisor's own team, read-only: who is on it (administrators edit teams elsewhere)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from organizations.access import acting_membership, member_required, visible_or_404
from organizations.models import Role
from organizations.selectors import supervised_teams, team_members


@member_required(Role.SUPERVISOR)
def supervised_team(request: HttpRequest, team_id: object) -> HttpResponse:
    found = visible_or_404(supervised_teams(acting_membership(request)), request, id=team_id)
    return render(
        request,
        "organizations/supervised_team.html",
        {"team": found, "members": team_members(found)},
    )
