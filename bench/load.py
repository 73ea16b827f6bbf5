"""Load benchmark: 50 clients of mixed reads and writes for 60 seconds against
gunicorn on PostgreSQL (with a Celery worker on Redis sending the email to an
SMTP sink), all on this machine. Prints requests, errors, p50 and p95.

    make bench-load            # or: python bench/load.py --clients 50 --seconds 60

Needs PostgreSQL (DATABASE_URL or CI_POSTGRES_URL naming the server; a database
of its own is created and dropped) and Redis on 127.0.0.1:6379."""

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.stack import stack

# One write walk (create, submit, review, approve) in this many actions; the rest read.
WRITE_SHARE = 0.3
READS = [
    ("auditor", "GET", "initiatives/?page_size=20"),
    ("marketing_lead", "GET", "initiatives/?ordering=-score"),
    ("cmo", "GET", "portfolio/"),
    ("coe_lead", "GET", "policies/"),
    ("auditor", "GET", "audit/events/?page_size=20"),
]


class Client:
    """One user agent with a keep-alive connection to the server."""

    def __init__(self, port: int, tokens: dict[str, str], results: "Results") -> None:
        self.port, self.tokens, self.results = port, tokens, results
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, user: str, method: str, path: str, body: Any = None) -> Any:
        headers = {"Authorization": f"Token {self.tokens[user]}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            self.connection.request(method, f"/api/{path}", body=data, headers=headers)
            response = self.connection.getresponse()
            payload = response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            status, payload = 0, b""
        self.results.record(time.perf_counter() - started, status, f"{method} {path}")
        return status, (json.loads(payload) if payload and status < 500 and status else None)

    def walk(self, unit: int, goal: int, number: int) -> None:
        status, created = self.call(
            "marketing_lead",
            "POST",
            "initiatives/",
            {
                "title": f"Load {number}",
                "summary": "Benchmark.",
                "business_unit": unit,
                "goals": [goal],
                "audiences": ["customers"],
                "budget": "1000",
                "risk": "low",
            },
        )
        if status != 201:
            return
        pk = created["id"]
        for user, name in [
            ("marketing_lead", "submit"),
            ("coe_analyst", "start_review"),
            ("coe_lead", "approve"),
        ]:
            if self.call(user, "POST", f"initiatives/{pk}/transitions/{name}/", {})[0] != 200:
                return


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.by_kind: dict[str, list[float]] = {}

    def record(self, seconds: float, status: int, what: str) -> None:
        with self.lock:
            self.latencies.append(seconds)
            kind = what.split("?")[0]
            for digit in "0123456789":
                kind = kind.replace(digit, "")
            self.by_kind.setdefault(kind, []).append(seconds)
            if not 200 <= status < 300:
                key = f"{status} {what.split('?')[0]}"
                self.errors[key] = self.errors.get(key, 0) + 1


def run(clients: int, seconds: float, *, verbose: bool = False) -> int:
    with stack("bench") as running:
        running.start_worker(concurrency=1)
        running.seed()
        workers = os.environ.get("GUNICORN_WORKERS") or "4"
        threads = os.environ.get("GUNICORN_THREADS") or "4"
        base = running.start_server(workers=int(workers), threads=int(threads))
        port = int(base.rsplit(":", 1)[1])
        results = Results()
        probe = Client(port, running.tokens, Results())
        units = probe.call("marketing_lead", "GET", "business-units/")[1]["results"]
        unit = next(u["id"] for u in units if u["name"] == "Marketing")
        goal = probe.call("marketing_lead", "GET", "goals/")[1]["results"][0]["id"]
        deadline = time.monotonic() + seconds
        counter = iter(range(10**9))
        counter_lock = threading.Lock()

        def client_loop(seed: int) -> None:
            rng = random.Random(seed)
            client = Client(port, running.tokens, results)
            while time.monotonic() < deadline:
                if rng.random() < WRITE_SHARE:
                    with counter_lock:
                        number = next(counter)
                    client.walk(unit, goal, number)
                else:
                    client.call(*rng.choice(READS))

        threads_ = [threading.Thread(target=client_loop, args=(n,)) for n in range(clients)]
        started = time.monotonic()
        for thread in threads_:
            thread.start()
        for thread in threads_:
            thread.join()
        elapsed = time.monotonic() - started
    latencies = sorted(results.latencies)
    quantiles = statistics.quantiles(latencies, n=100)
    errors = sum(results.errors.values())
    print(
        f"load: {clients} clients, {elapsed:.0f}s, gunicorn {workers}x{threads} on PostgreSQL, "
        f"{os.cpu_count()} cores: {len(latencies)} requests ({len(latencies) / elapsed:.0f}/s), "
        f"{errors} errors, p50 {quantiles[49] * 1000:.0f} ms, p95 {quantiles[94] * 1000:.0f} ms"
    )
    if errors:
        print(f"errors: {results.errors}", file=sys.stderr)
    if verbose:
        for kind, values in sorted(results.by_kind.items()):
            values.sort()
            print(
                f"  {kind}: {len(values)}, p50 {values[len(values) // 2] * 1000:.0f} ms, "
                f"p95 {values[int(len(values) * 0.95)] * 1000:.0f} ms",
                file=sys.stderr,
            )
    return 1 if errors else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--verbose", action="store_true", help="latency by request kind")
    arguments = parser.parse_args()
    sys.exit(run(arguments.clients, arguments.seconds, verbose=arguments.verbose))


if __name__ == "__main__":
    main()
