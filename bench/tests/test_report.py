"""The benchmark report's verdicts on #27's limits, as measured and at the reference speed."""

from typing import Any

from bench import report


def _row(label: str, cpu: float | None, p95: float) -> dict[str, Any]:
    return {
        "label": label,
        "cpu_ms": cpu,
        "p50_ms": p95 / 2,
        "p95_ms": p95,
        "throughput_4_users": 100.0,
        "throughput_vs_one_row": 0.5,
        "queries": 3,
    }


def _results(one_row_cpu: float, one_row_p95: float, pages: dict[str, tuple[float, float]]) -> Any:
    return {
        "scale": "state",
        "taken_at": "2026-12-07T05:00:00+00:00",
        "rows": {"participants": 1},
        "baselines": {"one_row": _row("Baseline: one row", one_row_cpu, one_row_p95)},
        "pages": {name: _row(name, cpu, p95) for name, (cpu, p95) in pages.items()},
        "write": _row("Brief check-in", None, 10.0),
        "audit": {
            "audit_share": 0.1,
            "rounds": 1,
            "write_with_audit_ms": 1,
            "write_without_audit_ms": 1,
            "record_event_ms": 1,
        },
        "verify_audit": {"events": 1, "seconds": 1, "events_per_second": 1},
        "machine": {
            "cores": 2,
            "workers": 2,
            "load_average_before": [0],
            "load_average_after": [0],
        },
        "worker_rss_mb": [150.0],
        "queries_compared_with": None,
        "seed": {},
    }


def _verdicts(results: Any) -> dict[str, bool]:
    found = report.targets(results)
    return {
        "cpu": found["CPU per request <= 25 ms, Today <= 40 ms"],
        "cpu_at_reference": found[
            "the same CPU limits at the reference speed (28 November's baseline)"
        ],
        "p95_at_reference": found["page p95 < 50 ms at the reference speed"],
        "p95": found["page p95 < 50 ms (1 user)"],
    }


def test_today_has_its_own_cpu_limit_and_other_pages_theirs() -> None:
    # The reference machine's own speed: the figures stand as they are.
    base = (report.REFERENCE_ONE_ROW_CPU_MS, 2.0)
    assert _verdicts(_results(*base, {"today": (39.0, 45.0), "caseload": (24.0, 30.0)})) == {
        "cpu": True,
        "cpu_at_reference": True,
        "p95_at_reference": True,
        "p95": True,
    }
    over = _verdicts(_results(*base, {"today": (24.0, 45.0), "caseload": (26.0, 30.0)}))
    assert not over["cpu"] and not over["cpu_at_reference"]


def test_a_faster_machine_does_not_meet_the_limits_by_its_speed_alone() -> None:
    # Twice as fast: the one-row baseline takes half as long, and so does every page.
    half = (report.REFERENCE_ONE_ROW_CPU_MS / 2, 1.0)
    results = _results(*half, {"today": (25.0, 30.0), "caseload": (10.0, 20.0)})
    assert report.scaled(results)["today"] == {
        "cpu_ms": 50.0,
        "p95_ms": 60.0,
    }
    assert _verdicts(results) == {
        "cpu": True,
        "cpu_at_reference": False,
        "p95_at_reference": False,
        "p95": True,
    }
    table = report.markdown({**results, "targets": report.targets(results)})
    assert "| 50.0 / 60.0 |" in table
    assert "- MISSED: the same CPU limits at the reference speed" in table
