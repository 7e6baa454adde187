"""Reads of an organization's webhook subscriptions, settings and delivery log."""

from django.db.models import QuerySet

from organizations.models import Organization
from webhooks.models import Attempt, Subscription, WebhookSettings


def settings_for(organization_id: int) -> WebhookSettings:
    """The organization's settings row, or the defaults (unsaved) when it has none."""
    found = WebhookSettings.objects.filter(organization_id=organization_id).first()
    return found or WebhookSettings(organization_id=organization_id)


def subscriptions_of(organization: Organization) -> QuerySet[Subscription]:
    return Subscription.objects.filter(organization=organization)


def attempts_of(subscription: Subscription) -> QuerySet[Attempt]:
    return Attempt.objects.filter(
        organization_id=subscription.organization_id, subscription=subscription
    ).select_related("delivery")
