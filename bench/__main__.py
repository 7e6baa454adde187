"""python -m bench [--scale small|state] [--quick] [--reseed]: run the suite and write results."""

import argparse
import os
import sys
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

from bench import setup_django


def ensure_database(url: str) -> None:
    """Create the benchmark's own database when it is missing (never touches another one)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", choices=["small", "state"], default="small")
    parser.add_argument("--quick", action="store_true", help="a few requests per page only")
    parser.add_argument("--reseed", action="store_true", help="rebuild the data set first")
    args = parser.parse_args()
    url = os.environ.get(
        "BENCH_DATABASE_URL", f"postgres://cairn:cairn@127.0.0.1:5432/cairn_bench_{args.scale}"
    )
    ensure_database(url)
    # This process counts queries with Django's test client; the server gets its own settings.
    setup_django(url)
    from bench import report, suite

    print(f"Preparing the {args.scale} data set...", file=sys.stderr)
    seed = suite.ensure_data(args.scale, reseed=args.reseed)
    print("Measuring...", file=sys.stderr)
    results = suite.measure(budget=suite.QUICK if args.quick else suite.FULL)
    results.update(scale=args.scale, quick=args.quick, seed=seed)
    report.add_ratios(results)
    report.compare_queries(results, report.latest("state" if args.scale == "small" else "small"))
    results["targets"] = report.targets(results)
    json_path, md_path = report.write(results)
    print(report.markdown(results))
    print(f"Written: {json_path}, {md_path}", file=sys.stderr)


if __name__ == "__main__":
    main()
