"""Where the time of one `/api/initiatives/` page goes, for a unit member and
the CoE lead, on the seeded data set: each SQL statement with its time and
plan (EXPLAIN ANALYZE), then the Python profile of many requests, next to the
bare DRF list of the same rows (bench/run.py's baseline).

    python bench/profile_list.py [--requests 50] [--who member,CoE lead] [--no-plans]
"""

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run
from django.db import connection
from django.test.utils import CaptureQueriesContext


def statements(user: object) -> None:
    with CaptureQueriesContext(connection) as context:
        run.api_get(run.product_list, user, "/api/initiatives/")
    for query in context.captured_queries:
        print(f"  {float(query['time']) * 1000:7.2f} ms  {query['sql'][:160]}")


def plans(user: object) -> None:
    with CaptureQueriesContext(connection) as context:
        run.api_get(run.product_list, user, "/api/initiatives/")
    with connection.cursor() as cursor:
        for query in context.captured_queries:
            sql = query["sql"]
            if not sql.startswith("SELECT") or "initiatives_initiative" not in sql:
                continue
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql)
            print("\n  " + sql[:200])
            print("\n".join("    " + row[0] for row in cursor.fetchall()))


def profile(call: object, requests: int, label: str) -> None:
    call()  # type: ignore[operator]
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for _ in range(requests):
        call()  # type: ignore[operator]
    profiler.disable()
    took = (time.perf_counter() - start) / requests
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
    print(f"\n--- {label}: {took * 1000:.1f} ms a request under the profiler")
    print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--who", default="member,CoE lead")
    parser.add_argument("--no-plans", action="store_true")
    parser.add_argument("--no-profile", action="store_true")
    arguments = parser.parse_args()
    people = run.personas()
    for name in arguments.who.split(","):
        user = people[name]
        page = run.api_get(run.product_list, user, "/api/initiatives/")
        body = json.loads(page.content)
        run.BareList.ids = [row["id"] for row in body["results"]]
        print(f"\n===== {name} ({user.username}): {body['count']} rows")
        print("SQL of the product's page:")
        statements(user)
        print("SQL of the bare list:")
        with CaptureQueriesContext(connection) as context:
            run.api_get(run.bare_list, user, "/")
        for query in context.captured_queries:
            print(f"  {float(query['time']) * 1000:7.2f} ms  {query['sql'][:160]}")
        if not arguments.no_plans:
            plans(user)
        if not arguments.no_profile:
            profile(
                lambda u=user: run.api_get(run.product_list, u, "/api/initiatives/"),
                arguments.requests,
                f"product, {name}",
            )
            profile(
                lambda u=user: run.api_get(run.bare_list, u, "/"),
                arguments.requests,
                f"bare, {name}",
            )


if __name__ == "__main__":
    main()
