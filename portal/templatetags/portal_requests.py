"""Template tags that let staff pages show what a participant asked in their portal, so those
pages need no knowledge of the portal beyond one include."""

from django import template

from participants.models import Participant
from portal.models import GoalSuggestion
from portal.plan.selectors import open_goal_suggestions

register = template.Library()


@register.simple_tag
def goal_suggestions_for(participant: Participant) -> list[GoalSuggestion]:
    """Open goal suggestions for the staff plan page (one query)."""
    return open_goal_suggestions(participant)
