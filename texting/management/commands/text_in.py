"""Demo only: a text arrives as Twilio would deliver it, through the real signed webhook, so the
tour can show a reply landing in the thread, STOP, START and HELP without a phone."""

import uuid
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import RequestFactory, override_settings
from django.urls import reverse
from twilio.request_validator import RequestValidator

from lib.env import envbool
from texting.views import twilio_incoming


class Command(BaseCommand):
    help = "Demo only (CAIRN_DEMO=1): a text from a number arrives through the Twilio webhook."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("sender", help="the number it comes from, for example +16175550142")
        parser.add_argument("body", help="the words of the text, for example STOP")
        parser.add_argument("--organization", default="harbor", help="the organization's slug")
        parser.add_argument("--media", type=int, default=0, help="how many pictures came with it")

    def handle(self, *args: Any, **options: Any) -> None:
        if not envbool("CAIRN_DEMO", False):
            raise CommandError("text_in is for the demo only (CAIRN_DEMO=1).")
        path = reverse("texting:twilio_incoming", kwargs={"organization": options["organization"]})
        fields = {
            "MessageSid": f"SMdemo{uuid.uuid4().hex}",
            "From": options["sender"],
            "To": "+15555550100",
            "Body": options["body"],
            "NumMedia": str(options["media"]),
        }
        # A token made for this one simulated request, signed as Twilio signs.
        token = uuid.uuid4().hex
        # Addressed to a host this installation serves (the test client's "testserver" is not).
        host = next((h for h in settings.ALLOWED_HOSTS if h and "*" not in h), "localhost")
        host = host.lstrip(".")
        address = f"http://{host}{path}"
        signature = RequestValidator(token).compute_signature(address, fields)
        request = RequestFactory().post(
            path, fields, HTTP_HOST=host, HTTP_X_TWILIO_SIGNATURE=signature
        )
        with override_settings(CAIRN_SMS_TWILIO_AUTH_TOKEN=token, CAIRN_SMS_WEBHOOK_BASE_URL=""):
            response = twilio_incoming(request, organization=options["organization"])
        if response.status_code != 200:
            raise CommandError(f"The webhook answered {response.status_code}.")
        self.stdout.write("The text arrived.")
