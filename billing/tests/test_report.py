"""The billing report: billed, paid and denied by month, payer and service, the payers' reasons,
and per coach in alphabetical order; every figure opens the lines behind it."""

import re

import pytest

from billing.models import BillableLine, ClaimBatch, LineState
from billing.report import billing_report
from billing.selectors import lines_for
from billing.tests.conftest import mia
from billing.tests.test_remittance import (
    answer_of_four,
    lines_of,
    remit_file,
    upload,
)
from cairn.demo import DemoWorld

pytestmark = pytest.mark.django_db


def shown(page: str) -> int:
    found = re.search(r"<caption>(\d[\d,]*) lines?</caption>", page)
    return int(found.group(1).replace(",", "")) if found else 0


def test_the_report_adds_up_and_each_figure_opens_its_lines(
    demo: DemoWorld, client_for, batch: ClaimBatch
) -> None:
    client = client_for("mia")
    lines = lines_of(batch)
    assert upload(client, remit_file(answer_of_four(lines))).status_code == 302
    sent = BillableLine.objects.filter(batch=batch)
    report = billing_report(lines_for(mia(demo), {}), {})
    assert report.total.lines == len(lines)
    assert report.total.billed_units == sum(line.units for line in sent)
    assert report.total.billed_amount == sum(line.amount for line in sent)
    paid = sent.filter(state__in=[LineState.PAID, LineState.ADJUSTED])
    assert report.total.paid_amount == sum(line.paid_amount or 0 for line in paid)
    assert report.total.denied_amount == lines[1].amount
    assert sum(row.figures.lines for row in report.months) == report.total.lines
    for row in report.months:
        for claimed, expected in (
            ("billed", row.figures.lines),
            ("denied", 1 if row.figures.denied_units else None),
        ):
            page = client.get(f"/billing/?{row.figures.query}&claimed={claimed}").content.decode()
            if expected is not None:
                assert shown(page) == expected, (row, claimed)
    assert {(r.code, r.lines) for r in report.reasons} == {("CO-197", 1), ("CO-45", 1)}
    reason = next(r for r in report.reasons if r.code == "CO-197")
    page = client.get(f"/billing/?{reason.query}").content.decode()
    assert shown(page) == 1
    names = [row.name for row in report.coaches]
    assert names == sorted(names, key=str.casefold)
    for coach in report.coaches:
        page = client.get(f"/billing/?{coach.figures.query}&claimed=billed").content.decode()
        assert shown(page) == coach.figures.lines
    page = client.get("/billing/report/").content.decode()
    assert 'id="report-months"' in page and 'id="report-coaches"' in page
    assert "No prior authorization, or it was not on the claim" in page
    # Money with its cents, on both databases (SQLite's sums drop trailing zeros).
    total = f"{report.total.billed_amount:.2f}"
    assert re.search(rf">{re.escape(total)}</a>", page), total


def test_the_report_is_the_managers(demo: DemoWorld, client_for) -> None:
    assert client_for("mia").get("/billing/report/").status_code == 200
    for persona in ("ana", "sam", "max", "pat"):
        assert client_for(persona).get("/billing/report/").status_code == 403
