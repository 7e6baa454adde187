"""How an API operation names what it needs: `auth=ScopedToken("participants")` is the token
check and the scope check in one, and shows in the schema as bearer authentication."""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from api.access import TokenAccess, require
from api.models import Level
from api.schemas import Problem


class ScopedToken(HttpBearer):
    """A usable token holding `resource:level`; a refusal is raised (TokenRefused) with its
    reason and answered as JSON by the API's handler."""

    def __init__(self, resource: str, level: str = Level.READ) -> None:
        super().__init__()
        self.resource = resource
        self.level = level

    def __call__(self, request: HttpRequest) -> TokenAccess:
        # Replaces HttpBearer's reading of the header, which may log it.
        return require(request, self.resource, self.level)

    def authenticate(self, request: HttpRequest, token: str) -> TokenAccess:
        return require(request, self.resource, self.level)


# Every operation may answer these besides its own success.
REFUSALS: dict[int, Any] = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 429: Problem}
