"""Claim adjustment reason codes (CARC) a peer program meets most, in plain words of our own.
The full list is X12's; a code not here is shown as "Reason code NN"."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

REASONS = {
    "1": gettext_lazy("The person's deductible"),
    "2": gettext_lazy("The person's coinsurance"),
    "3": gettext_lazy("The person's copay"),
    "4": gettext_lazy("The modifier does not fit the procedure code, or one is missing"),
    "5": gettext_lazy("The procedure code does not fit the place of service"),
    "11": gettext_lazy("The diagnosis does not fit the procedure"),
    "16": gettext_lazy("The claim is missing information or has an error"),
    "18": gettext_lazy("A duplicate of a claim already received"),
    "22": gettext_lazy("Another payer may cover this (coordination of benefits)"),
    "27": gettext_lazy("The service came after the coverage ended"),
    "29": gettext_lazy("The time limit for filing has passed"),
    "31": gettext_lazy("The payer cannot identify the person as its member"),
    "45": gettext_lazy("The charge is above the payer's fee schedule"),
    "50": gettext_lazy("The payer does not find the service medically necessary"),
    "96": gettext_lazy("A service the plan does not cover"),
    "97": gettext_lazy("Already paid as part of another service"),
    "109": gettext_lazy("This payer does not cover it; send it to the right payer"),
    "119": gettext_lazy("The most the plan pays for this period is reached"),
    "151": gettext_lazy("More services than the payer allows for this period"),
    "170": gettext_lazy("The payer does not pay this kind of provider for the service"),
    "185": gettext_lazy("The rendering provider may not bill this service"),
    "197": gettext_lazy("No prior authorization, or it was not on the claim"),
    "198": gettext_lazy("More units than the authorization allows"),
    "204": gettext_lazy("The person's plan does not cover this service"),
    "242": gettext_lazy("The services were not given by a provider in the network"),
    "B7": gettext_lazy("The provider was not certified for this service on that date"),
}


def reason_words(reason: str) -> str:
    """A reason code in words: our own wording, or "Reason code NN" for one we do not list."""
    known = REASONS.get(reason)
    return str(known) if known is not None else _("Reason code %(code)s") % {"code": reason}


def adjustment_words(code: str) -> str:
    """ "CO-197" in words: the reason, then who carries it when that is not the program."""
    group, _dash, reason = code.partition("-")
    words = reason_words(reason or group)
    if group == "PR":
        return _("%(reason)s (the person's share)") % {"reason": words}
    return words
