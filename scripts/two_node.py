"""Two app servers, one worker, one database: does the product hold together?

Two gunicorn servers on two loopback ports share a PostgreSQL database of their
own, one Celery worker on Redis sends the email to an SMTP sink. Each round, an
initiative is brought to review, then 8 clients, alternating between the two
servers, race to approve, reject and request changes on it at once. Afterwards:
exactly one transition won each round (no double, none lost), the audit chain
verifies, every email arrived exactly once, and no request answered 5xx.
Prints one summary line; exits non-zero on any failure.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python scripts/two_node.py
"""

import argparse
import json
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.localprod import manage
from scripts.stack import Stack, stack

CLIENTS = 8
# Who races for what: the CoE lead approves or rejects, the analyst asks for changes.
RACE = [
    ("coe_lead", "approve", "approved"),
    ("coe_lead", "reject", "rejected"),
    ("coe_analyst", "request_changes", "changes_requested"),
]


class Api:
    def __init__(self, tokens: dict[str, str]) -> None:
        self.tokens = tokens
        self.statuses: Counter[int] = Counter()
        self.lock = threading.Lock()

    def call(self, base: str, user: str, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{base}/api/{path}",
            data=data,
            method=method,
            headers={
                "Authorization": f"Token {self.tokens[user]}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        with self.lock:
            self.statuses[status] += 1
        return status, (json.loads(payload) if payload else None)


def run(rounds: int) -> int:
    started = time.monotonic()
    with stack("twonode") as running:
        running.start_worker(concurrency=2)
        running.seed()
        servers = [running.start_server(), running.start_server()]
        api = Api(running.tokens)
        failures = drive(api, servers, rounds)
        failures += check(running, api)
        emails = wait_for_mail(running)
        failures += emails[1]
        verdict = "PASS" if not failures else "FAIL"
        print(
            f"two-node {verdict}: {rounds} rounds x {CLIENTS} clients on 2 servers, "
            f"{sum(api.statuses.values())} requests ({dict(sorted(api.statuses.items()))}), "
            f"{rounds} winners, {emails[0]} emails each delivered once, audit chain intact"
            f"{'' if not failures else ' -- ' + '; '.join(failures[:5])}, "
            f"{time.monotonic() - started:.0f}s"
        )
        if failures:
            print(f"Logs: {running.logs}", file=sys.stderr)
        return 1 if failures else 0


def drive(api: Api, servers: list[str], rounds: int) -> list[str]:
    failures = []
    status, units = api.call(servers[0], "marketing_lead", "GET", "business-units/")
    marketing = next(u["id"] for u in units["results"] if u["name"] == "Marketing")
    status, goals = api.call(servers[0], "marketing_lead", "GET", "goals/")
    goal = goals["results"][0]["id"]
    # A submitter first acknowledges the policies in force for the unit.
    status, policies = api.call(servers[0], "marketing_lead", "GET", "policies/?page_size=200")
    for policy in policies["results"]:
        if policy["in_force"] and not policy["acknowledged"]:
            api.call(servers[1], "marketing_lead", "POST", f"policies/{policy['id']}/acknowledge/")
    with ThreadPoolExecutor(CLIENTS) as pool:
        for number in range(rounds):
            here = servers[number % 2]
            status, created = api.call(
                here,
                "marketing_lead",
                "POST",
                "initiatives/",
                {
                    "title": f"Two-node round {number}",
                    "summary": "Raced by eight clients.",
                    "business_unit": marketing,
                    "goals": [goal],
                    "audiences": ["customers"],
                    "channels": ["Instagram"],
                    "budget": "1000",
                    "risk": "low",
                },
            )
            if status != 201:
                failures.append(f"round {number}: create answered {status}")
                continue
            pk = created["id"]
            # Submitting needs a KPI for each goal the initiative serves.
            status, _ = api.call(
                servers[number % 2],
                "marketing_lead",
                "POST",
                f"impact/initiatives/{pk}/kpis/",
                {
                    "goal": goal,
                    "name": "Reach",
                    "unit": "people",
                    "baseline": "0",
                    "target": "100",
                    "due_on": "2030-06-30",
                },
            )
            if status != 201:
                failures.append(f"round {number}: KPI answered {status}")
                continue
            status, _ = api.call(
                servers[1 - number % 2],
                "marketing_lead",
                "POST",
                f"initiatives/{pk}/transitions/submit/",
                {},
            )
            if status != 200:
                failures.append(f"round {number}: submit answered {status}")
                continue
            api.call(here, "coe_analyst", "POST", f"initiatives/{pk}/transitions/start_review/", {})

            def attempt(client: int, pk: int = pk) -> tuple[int, str]:
                user, name, target = RACE[client % len(RACE)]
                status, _ = api.call(
                    servers[client % 2],
                    user,
                    "POST",
                    f"initiatives/{pk}/transitions/{name}/",
                    {"comment": f"client {client}"},
                )
                return status, target

            outcomes = list(pool.map(attempt, range(CLIENTS)))
            winners = [target for status, target in outcomes if status == 200]
            losers = [status for status, _ in outcomes if status != 200]
            if len(winners) != 1 or any(status != 409 for status in losers):
                failures.append(f"round {number}: answers {sorted(s for s, _ in outcomes)}")
                continue
            status, final = api.call(servers[number % 2], "auditor", "GET", f"initiatives/{pk}/")
            if final["state"] != winners[0]:
                failures.append(f"round {number}: won {winners[0]}, state {final['state']}")
            status, log = api.call(
                servers[1 - number % 2], "auditor", "GET", f"initiatives/{pk}/decisions/"
            )
            transitions = [d["transition"] for d in log.get("results", log)]
            if sorted(transitions) != sorted(
                ["submit", "start_review", next(n for _, n, t in RACE if t == winners[0])]
            ):
                failures.append(f"round {number}: decisions {transitions}")
    return failures


def check(running: Stack, api: Api) -> list[str]:
    failures = []
    if any(status >= 500 for status in api.statuses):
        failures.append(f"5xx answers: {api.statuses}")
    try:
        manage("verify_audit", env=running.env, quiet=True)
    except SystemExit as exc:
        failures.append(f"verify_audit failed: {exc}")
    return failures


def wait_for_mail(running: Stack, seconds: float = 90) -> tuple[int, list[str]]:
    """Wait until the outbox is empty; then the sink must hold each row once."""
    code = (
        "import json; from governance.models import OutboundEmail as O; "
        "print(json.dumps([O.objects.count(), O.objects.filter(sent_at__isnull=True).count(), "
        "list(O.objects.values_list('pk', flat=True))]))"
    )
    deadline = time.monotonic() + seconds
    while True:
        total, unsent, ids = json.loads(
            manage("shell", "-v", "0", "-c", code, env=running.env, quiet=True).splitlines()[-1]
        )
        if not unsent or time.monotonic() > deadline:
            break
        time.sleep(1)
    time.sleep(2)  # anything sent twice would arrive now
    received = Counter(str(m["Message-ID"]) for m in running.smtp.sink.received())
    failures = []
    if unsent:
        failures.append(f"{unsent} of {total} emails never sent")
    expected = {pk for pk in ids}
    got = {int(mid.split("-", 1)[1].split("@", 1)[0]) for mid in received}
    if got != expected:
        failures.append(f"{len(expected - got)} emails missing, {len(got - expected)} unknown")
    doubles = [mid for mid, count in received.items() if count > 1]
    if doubles:
        failures.append(f"{len(doubles)} emails delivered more than once")
    return total, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    sys.exit(run(parser.parse_args().rounds))


if __name__ == "__main__":
    main()
