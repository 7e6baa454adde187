"""The results as JSON and as a Markdown table, with each target marked met or missed."""

import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
PAGE_P95_MS = 50
THROUGHPUT_SHARE = 0.40
WRITE_P95_MS = 60
AUDIT_SHARE = 0.30
SEED_SECONDS = 600
RSS_MB = 200
EXPORT_SECONDS_PER_5000 = 60
# Issue #27's CPU limits per request, in-process at one user: Today and every other page.
TODAY_CPU_MS = 40
PAGE_CPU_MS = 25
# The same limits at the speed of the machine they were set on, so that a faster or slower
# machine does not move the verdict: #27 set them against the state run of 28 November (Today
# 51.5 CPU ms), whose one-row baseline took 1.22 CPU ms. A page's CPU time and p95 are divided by
# this run's speed against that one (its one-row baseline's CPU time over 1.22). The same code
# gave the same CPU multiples of the baseline at two machine speeds (Today 23.0x and 22.9x, the
# caseload 12.5x and 12.0x, on 7 December at 02:34 and 04:52, the baseline at 2.34 and 0.68 ms);
# the baseline's own p95 (1.3 to 4.4 ms, mostly the server's fixed costs) did not follow the
# machine's speed as closely, so it is not used.
REFERENCE_ONE_ROW_CPU_MS = 1.22


def add_ratios(results: dict[str, Any]) -> None:
    """Each page against the one-row baseline: latency multiple and throughput share."""
    base = results["baselines"]["one_row"]
    for row in [*results["pages"].values(), results["write"]]:
        row["latency_vs_one_row"] = (
            round(row["p50_ms"] / base["p50_ms"], 2) if base["p50_ms"] else None
        )
        row["throughput_vs_one_row"] = (
            round(row["throughput_4_users"] / base["throughput_4_users"], 3)
            if base["throughput_4_users"]
            else None
        )


def compare_queries(results: dict[str, Any], other: dict[str, Any] | None) -> None:
    """Queries per page against the latest run at the other scale (they must not differ)."""
    if other is None:
        results["queries_compared_with"] = None
        return
    results["queries_compared_with"] = other.get("scale")
    for name, row in results["pages"].items():
        theirs = other.get("pages", {}).get(name, {}).get("queries")
        row["queries_other_scale"] = theirs
    results["write"]["queries_other_scale"] = other.get("write", {}).get("queries")


def latest(scale: str) -> dict[str, Any] | None:
    files = sorted(RESULTS.glob(f"*-{scale}.json"))
    return json.loads(files[-1].read_text()) if files else None


def cpu_limit_ms(name: str) -> float:
    return TODAY_CPU_MS if name == "today" else PAGE_CPU_MS


def scaled(results: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Each page's CPU ms and p95 ms at the reference machine's speed (empty without a
    baseline's CPU time)."""
    base = results["baselines"]["one_row"].get("cpu_ms")
    if not base:
        return {}
    speed = base / REFERENCE_ONE_ROW_CPU_MS  # below 1: this machine is faster
    return {
        name: {
            "cpu_ms": round(row["cpu_ms"] / speed, 1),
            "p95_ms": round(row["p95_ms"] / speed, 1),
        }
        for name, row in results["pages"].items()
        if row.get("cpu_ms")
    }


def targets(results: dict[str, Any]) -> dict[str, bool]:
    pages = results["pages"].values()
    checks = {
        "page p95 < 50 ms (1 user)": all(p["p95_ms"] < PAGE_P95_MS for p in pages),
        "throughput >= 40% of one-row baseline (4 users)": all(
            (p["throughput_vs_one_row"] or 0) >= THROUGHPUT_SHARE for p in pages
        ),
        "write p95 < 60 ms": results["write"]["p95_ms"] < WRITE_P95_MS,
        "audit adds <= 30% to the write": results["audit"]["audit_share"] <= AUDIT_SHARE,
        "worker RSS < 200 MB": all(mb < RSS_MB for mb in results["worker_rss_mb"]),
    }
    named = results["pages"].items()
    if all(row.get("cpu_ms") for _, row in named):
        checks["CPU per request <= 25 ms, Today <= 40 ms"] = all(
            row["cpu_ms"] <= cpu_limit_ms(name) for name, row in named
        )
    at_reference = scaled(results)
    if at_reference and len(at_reference) == len(results["pages"]):
        checks["the same CPU limits at the reference speed (28 November's baseline)"] = all(
            row["cpu_ms"] <= cpu_limit_ms(name) for name, row in at_reference.items()
        )
        checks["page p95 < 50 ms at the reference speed"] = all(
            row["p95_ms"] < PAGE_P95_MS for row in at_reference.values()
        )
    export = results.get("bulk_export")
    if export and export["people"]:
        checks["FHIR bulk export: 5,000 people < 60 s"] = (
            export["wall_s"] * 5000 / export["people"] < EXPORT_SECONDS_PER_5000
        )
    if results["queries_compared_with"]:
        checks["queries identical across scales"] = all(
            p.get("queries_other_scale") in (None, p["queries"]) for p in [*pages, results["write"]]
        )
    if results["seed"].get("seeded"):
        checks["seeding < 10 min"] = results["seed"]["seconds"] < SEED_SECONDS
    return checks


def markdown(results: dict[str, Any]) -> str:
    base = results["baselines"]
    lines = [
        f"# Cairn benchmark: scale `{results['scale']}`, {results['taken_at']}",
        "",
        _rows_line(results),
        "",
        "| page | p50 ms | p95 ms | req/s at 4 users | vs one-row (req/s) | CPU ms | "
        "CPU / p95 ms at reference speed | queries | heaviest query ms | large seq scans |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    at_reference = scaled(results)
    for row in base.values():
        lines.append(
            f"| {row['label']} | {row['p50_ms']} | {row['p95_ms']} | "
            f"{row['throughput_4_users']} | | {row.get('cpu_ms', '')} | | | | |"
        )
    for name, row in [*results["pages"].items(), ("write", results["write"])]:
        heaviest = row.get("heaviest_query") or {}
        reference = at_reference.get(name)
        at_speed = f"{reference['cpu_ms']} / {reference['p95_ms']}" if reference else ""
        queries = str(row["queries"])
        if row.get("queries_other_scale") not in (None, row["queries"]):
            queries += f" (other scale: {row['queries_other_scale']})"
        lines.append(
            f"| {row['label']} | {row['p50_ms']} | {row['p95_ms']} | "
            f"{row['throughput_4_users']} | {_pct(row['throughput_vs_one_row'])} | "
            f"{row.get('cpu_ms', '')} | {at_speed} | {queries} | "
            f"{heaviest.get('ms', '')} | {', '.join(row.get('large_seq_scans', [])) or '-'} |"
        )
    audit, verify, machine = results["audit"], results["verify_audit"], results["machine"]
    lines += [
        "",
        f"- Audit overhead (in-process, median of {audit['rounds']}): check-in "
        f"{audit['write_with_audit_ms']} ms with audit, {audit['write_without_audit_ms']} ms "
        f"without (+{audit['audit_share']:.0%}); one `record_event` {audit['record_event_ms']} ms.",
        *[
            f"- {results['pages'][name]['label']}, first view with nothing kept (in-process, "
            f"median of {first['rounds']}): {first['wall_ms']} ms wall, {first['cpu_ms']} ms CPU."
            for name, first in results.get("first_views", {}).items()
        ],
        _export_line(results.get("bulk_export")),
        f"- verify_audit: {verify['events']:,} events of Harbor's chain in {verify['seconds']} s "
        f"({verify['events_per_second']:,} events/s).",
        "- Gunicorn worker RSS after the run: "
        + ", ".join(f"{mb} MB" for mb in results["worker_rss_mb"])
        + ".",
        f"- Machine: {machine['cores']} cores, {machine['workers']} sync workers, "
        f"load average {machine['load_average_before'][0]} before and "
        f"{machine['load_average_after'][0]} after the run."
        + _speed(machine.get("python_loop_ms")),
        _seed_line(results["seed"]),
        "- At reference speed: CPU time and p95 divided by this machine's speed against the run "
        "#27's limits were set against (this run's one-row baseline CPU time over that run's, "
        f"{REFERENCE_ONE_ROW_CPU_MS} ms), so a faster or slower machine does not move the verdict.",
        "",
        "Targets:",
        "",
        *[f"- {'met' if ok else 'MISSED'}: {name}" for name, ok in results["targets"].items()],
    ]
    return "\n".join(lines) + "\n"


def _export_line(export: dict[str, Any] | None) -> str:
    if not export:
        return "- FHIR bulk export: not measured in this run."
    return (
        f"- FHIR bulk export of the manager's organization (in-process, every type): "
        f"{export['people']:,} people, {export['resources']:,} resources in {export['wall_s']} s "
        f"wall ({export['cpu_s']} s CPU), a {export['zip_mb']} MB zip."
    )


def _rows_line(results: dict[str, Any]) -> str:
    return (
        "Data: "
        + ", ".join(
            f"{count:,} {name.replace('_', ' ')}" for name, count in results["rows"].items()
        )
        + "."
    )


def _seed_line(seed: dict[str, Any]) -> str:
    if not seed.get("seeded"):
        return f"- Seeding: {seed.get('note', 'not part of this run')}."
    return f"- Seeding: {seed['seconds']} s in all; " + "; ".join(seed["steps"]) + "."


def _pct(share: float | None) -> str:
    return "" if share is None else f"{share:.0%}"


def write(results: dict[str, Any]) -> tuple[Path, Path]:
    RESULTS.mkdir(exist_ok=True)
    stem = f"{results['taken_at'][:10]}-{results['scale']}" + ("-quick" if results["quick"] else "")
    json_path, md_path = RESULTS / f"{stem}.json", RESULTS / f"{stem}.md"
    json_path.write_text(json.dumps(results, indent=2) + "\n")
    md_path.write_text(markdown(results))
    return json_path, md_path


def _speed(loop_ms: list[float] | None) -> str:
    """How fast the machine ran Python before and after (older results have no such figure)."""
    if not loop_ms:
        return ""
    before, after = loop_ms
    return (
        f" A fixed Python loop took {before} ms before and {after} ms after "
        "(the CPU figures scale with it)."
    )
