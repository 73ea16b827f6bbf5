"""Measure the product against bare baselines on the seeded data set and print
each figure as a ratio, side by side in one run (alternated rounds, medians),
with query counts and the plan of a member's list page.

    python bench/run.py [--rounds 7]
"""

import argparse
import hashlib
import hmac
import json
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

common.setup()

from django.db import connection, connections  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework import serializers  # noqa: E402
from rest_framework.generics import ListAPIView  # noqa: E402
from rest_framework.test import APIRequestFactory, force_authenticate  # noqa: E402

from governance import audit, audit_keys, audit_verify  # noqa: E402
from governance.models import AuditEvent, Membership, OrganizationRole  # noqa: E402
from initiatives.api import InitiativeViewSet  # noqa: E402
from initiatives.models import Initiative  # noqa: E402
from sponsors.models import ExecutiveSponsor  # noqa: E402

RESULTS: list[tuple[str, str, str, str]] = []


def report(what: str, figure: str, goal: str, met: bool | None) -> None:
    verdict = "" if met is None else ("met" if met else "NOT MET")
    RESULTS.append((what, figure, goal, verdict))
    print(f"{what:58} {figure:34} {goal:22} {verdict}", flush=True)


class BareSerializer(serializers.ModelSerializer):
    """The same columns as the product's list, read and written plainly."""

    class Meta:
        model = Initiative
        fields = [
            "id", "title", "summary", "business_unit", "owner", "goals", "audiences",
            "functions", "channels", "budget", "risk", "kpis", "expected_impact", "effort",
            "start_date", "end_date", "state", "created_at", "updated_at",
        ]  # fmt: skip


class BareList(ListAPIView):
    serializer_class = BareSerializer
    pagination_class = None
    ids: list[int] = []

    def get_queryset(self) -> Any:
        return Initiative.objects.filter(pk__in=self.ids).prefetch_related("goals")


factory = APIRequestFactory()
product_list = InitiativeViewSet.as_view({"get": "list"})
bare_list = BareList.as_view()


def api_get(view: Any, user: Any, path: str) -> Any:
    request = factory.get(path)
    force_authenticate(request, user=user)
    response = view(request)
    response.render()
    assert response.status_code == 200, response.content[:300]
    return response


def personas() -> dict[str, Any]:
    lead = OrganizationRole.objects.get(role=OrganizationRole.Role.COE_LEAD).user
    twice = (
        Membership.objects.filter(role=Membership.Role.MEMBER)
        .values("user")
        .annotate(n=Count("id"))
        .filter(n=2)
        .order_by("user")
        .first()
    )
    member = Membership.objects.filter(user_id=twice["user"]).first().user
    sponsor = ExecutiveSponsor.objects.annotate(n=Count("business_units")).order_by("-n")[0].user
    small = (
        Membership.objects.annotate(n=Count("business_unit__initiatives"))
        .filter(n__lte=10)
        .order_by("id")
        .first()
        .user
    )
    return {"member": member, "sponsor": sponsor, "CoE lead": lead, "small": small}


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def get(client: Client, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    if response.streaming:
        for _ in response.streaming_content:
            pass
    else:
        _ = response.content
    return response


def queries(call: Any) -> int:
    with CaptureQueriesContext(connection) as context:
        call()
    return len(context.captured_queries)


def list_throughput(people: dict[str, Any], rounds: int) -> None:
    for name in ("member", "sponsor", "CoE lead"):
        user = people[name]
        page = api_get(product_list, user, "/api/initiatives/")
        BareList.ids = [row["id"] for row in json.loads(page.content)["results"]]
        ours, bare = common.side_by_side(
            lambda u=user: api_get(product_list, u, "/api/initiatives/"),
            lambda u=user: api_get(bare_list, u, "/"),
            rounds,
        )
        share = bare / ours
        report(
            f"/api/initiatives/ throughput vs bare DRF, {name}",
            f"{share:.0%} ({ours * 1000:.0f} vs {bare * 1000:.0f} ms)",
            ">= 75 %",
            share >= 0.75,
        )


def list_plan(people: dict[str, Any]) -> None:
    user = people["member"]
    with CaptureQueriesContext(connection) as context:
        api_get(product_list, user, "/api/initiatives/")
    statements = [q["sql"] for q in context.captured_queries]
    page_sql = next(s for s in statements if s.startswith('SELECT "initiatives_initiative"."id"'))
    count_sql = next(s for s in statements if s.startswith("SELECT COUNT(*)"))
    with connection.cursor() as cursor:
        for label, sql in (("page", page_sql), ("count", count_sql)):
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING ON) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
            print(f"\nEXPLAIN ANALYZE of the member's list {label}:")
            print("\n".join("    " + line for line in plan))
            seq_goals = any("Seq Scan on initiatives_initiative_goals" in p for p in plan)
            seq_main = any("Seq Scan on initiatives_initiative " in p + " " for p in plan)
            report(
                f"member's list {label}: plan",
                "index path" if not (seq_goals or seq_main) else "SEQ SCAN",
                "no seq scan",
                not (seq_goals or seq_main),
            )
    print()


def score_sorting(people: dict[str, Any], rounds: int) -> None:
    for name in ("small", "member", "CoE lead"):
        user = people[name]
        client = client_for(user)
        rows = json.loads(api_get(product_list, user, "/api/initiatives/").content)["count"]
        by_score, default = common.side_by_side(
            lambda u=user: api_get(product_list, u, "/api/initiatives/?ordering=-score"),
            lambda u=user: api_get(product_list, u, "/api/initiatives/"),
            rounds,
        )
        page_score = common.once(lambda c=client: get(c, "/initiatives/?sort=score"), rounds)
        report(
            f"?ordering=-score (API), {name}, {rows} rows",
            f"{by_score * 1000:.0f} ms ({by_score / default:.1f}x default order)",
            "~ caller's rows",
            None,
        )
        report(
            f"?sort=score (page), {name}, {rows} rows",
            f"{page_score * 1000:.0f} ms",
            "~ caller's rows",
            None,
        )


def bare_portfolio_aggregate() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT state, count(*) FROM initiatives_initiative GROUP BY state")
        cursor.fetchall()
        cursor.execute(
            "SELECT business_unit_id, sum(budget) FROM initiatives_initiative"
            " WHERE state IN ('approved','active','paused') GROUP BY business_unit_id"
        )
        cursor.fetchall()
        cursor.execute(
            "SELECT g.strategicgoal_id, sum(i.budget) FROM initiatives_initiative i"
            " JOIN initiatives_initiative_goals g ON g.initiative_id = i.id"
            " WHERE i.state IN ('approved','active','paused') GROUP BY g.strategicgoal_id"
        )
        cursor.fetchall()


def portfolio(people: dict[str, Any], rounds: int) -> None:
    client = client_for(people["CoE lead"])
    for path in ("/api/portfolio/", "/portfolio/"):
        ours, bare = common.side_by_side(
            lambda p=path: get(client, p), bare_portfolio_aggregate, rounds
        )
        report(
            f"{path} CoE lead vs bare SQL aggregate",
            f"{ours / bare:.1f}x ({ours * 1000:.0f} vs {bare * 1000:.0f} ms)",
            "<= 2x",
            ours / bare <= 2,
        )


def panels(people: dict[str, Any]) -> None:
    for name in ("sponsor", "CoE lead", "member"):
        client = client_for(people[name])
        get(client, "/")
        took = common.once(lambda c=client: get(c, "/"), 3)
        report(
            f"home page ({name}): queries, time",
            f"{queries(lambda c=client: get(c, '/'))} queries, {took * 1000:.0f} ms",
            "bounded panels",
            None,
        )


def audit_pages(people: dict[str, Any], rounds: int) -> None:
    client = client_for(people["CoE lead"])
    ours, api = common.side_by_side(
        lambda: get(client, "/audit/"), lambda: get(client, "/api/audit/events/"), rounds
    )
    report(
        "/audit/ page vs API page",
        f"{ours / api:.2f}x ({ours * 1000:.0f} vs {api * 1000:.0f} ms)",
        "<= 1.5x",
        ours / api <= 1.5,
    )
    report("/audit/ page queries", f"{queries(lambda: get(client, '/audit/'))}", "", None)


def copy_out(sql: str) -> None:
    raw = connection.connection
    with raw.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT WITH CSV HEADER") as copy:
        for _ in copy:
            pass


PORTFOLIO_COPY = """
SELECT i.id, i.title, u.name, i.state, o.username, i.budget, i.risk,
       (SELECT string_agg(g.title, '; ') FROM initiatives_initiative_goals l
          JOIN governance_strategicgoal g ON g.id = l.strategicgoal_id
         WHERE l.initiative_id = i.id),
       i.expected_impact, i.effort, i.start_date, i.end_date, i.created_at
  FROM initiatives_initiative i
  JOIN governance_businessunit u ON u.id = i.business_unit_id
  JOIN auth_user o ON o.id = i.owner_id
 ORDER BY u.name, i.id"""
AUDIT_COPY = """
SELECT e.seq, e.id, e.at, e.event, a.username, e.object_type, e.object_id, e.object_repr,
       e.old, e.new, e.comment, e.prev_hash, e.hash
  FROM governance_auditevent e LEFT JOIN auth_user a ON a.id = e.actor_id ORDER BY e.seq"""


def exports(people: dict[str, Any], rounds: int) -> None:
    client = client_for(people["CoE lead"])
    connection.ensure_connection()
    for label, path, sql in (
        ("portfolio CSV", "/api/portfolio/export.csv", PORTFOLIO_COPY),
        ("audit CSV", "/audit/export.csv", AUDIT_COPY),
    ):
        ours, bare = common.side_by_side(
            lambda p=path: get(client, p), lambda s=sql: copy_out(s), rounds
        )
        report(
            f"{label} vs raw COPY of the same columns",
            f"{ours / bare:.1f}x ({ours:.2f} vs {bare:.2f} s)",
            "<= 5x",
            ours / bare <= 5,
        )


def bare_verify() -> int:
    key = audit_keys.hmac_key()
    raw = connection.connection
    count = 0
    with raw.cursor(name="bare_verify") as cursor:
        cursor.itersize = 2000
        cursor.execute(
            "SELECT seq, at, event, actor_id, object_type, object_id, object_repr, old, new,"
            " comment, prev_hash, hash FROM governance_auditevent ORDER BY seq"
        )
        for row in cursor:
            content = audit.canonical_values(*row[:11])
            if row[0] > 0:
                hmac.new(key, content, hashlib.sha256).hexdigest()
            count += 1
    return count


def verification(rounds: int) -> None:
    events = AuditEvent.objects.count()
    with connection.cursor():
        pass

    def ours() -> None:
        from django.db import transaction

        with transaction.atomic():
            result = audit_verify.verify()
        assert result.intact, result.problem

    def bare() -> None:
        from django.db import transaction

        with transaction.atomic():
            bare_verify()

    mine, theirs = common.side_by_side(ours, bare, max(3, rounds // 2))
    share = theirs / mine
    report(
        "verify_audit vs bare loop (raw cursor, same hashes)",
        f"{share:.0%} ({events / mine:,.0f} vs {events / theirs:,.0f} events/s)",
        ">= 50 %",
        share >= 0.5,
    )


def under_load(client_count: int, path_users: list[tuple[str, Any]], requests: int) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        path, user = path_users[n % len(path_users)]
        client = client_for(user)
        for _ in range(requests):
            start = time.perf_counter()
            get(client, path)
            with lock:
                latencies.append(time.perf_counter() - start)
        connections.close_all()

    with ThreadPoolExecutor(client_count) as pool:
        list(pool.map(worker, range(client_count)))
    return latencies


def maturity(people: dict[str, Any]) -> None:
    users = [people["CoE lead"], people["sponsor"], people["member"]]
    for user in users:
        get(client_for(user), "/api/maturity/")
    mat = under_load(20, [("/api/maturity/", u) for u in users], 5)
    lst = under_load(20, [("/api/initiatives/", u) for u in users], 5)

    def p(values: list[float], q: float) -> float:
        return statistics.quantiles(values, n=100)[int(q) - 1]

    report(
        "/api/maturity/ under 20 clients: p50, p95",
        f"{p(mat, 50) * 1000:.0f}, {p(mat, 95) * 1000:.0f} ms",
        "",
        None,
    )
    report(
        "/api/initiatives/ under 20 clients: p50, p95",
        f"{p(lst, 50) * 1000:.0f}, {p(lst, 95) * 1000:.0f} ms",
        "",
        None,
    )
    ratio = p(mat, 50) / p(lst, 50)
    report("maturity p50 / list p50 under load", f"{ratio:.2f}x", "<= 2x", ratio <= 2)


def html_list(people: dict[str, Any]) -> None:
    for name in ("member", "CoE lead"):
        client = client_for(people[name])
        get(client, "/initiatives/")
        n = queries(lambda c=client: get(c, "/initiatives/"))
        report(f"HTML initiative list queries, {name}", str(n), "<= 10", n <= 10)


FIGURES = (
    "list",
    "plan",
    "score",
    "portfolio",
    "panels",
    "audit",
    "exports",
    "verify",
    "maturity",
    "html",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--skip-load", action="store_true", help="leave out the 20-client run")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated figures to measure (default: all): " + ", ".join(FIGURES),
    )
    arguments = parser.parse_args()
    only = {name.strip() for name in arguments.only.split(",") if name.strip()}
    unknown = only - set(FIGURES)
    if unknown:
        parser.error(f"unknown figures: {', '.join(sorted(unknown))}")
    rounds = arguments.rounds
    people = personas()
    counts = {
        "initiatives": Initiative.objects.count(),
        "audit events": AuditEvent.objects.count(),
        "goal links": Initiative.goals.through.objects.count(),
    }
    print(f"data: {counts}; personas: " + ", ".join(f"{k}={v.username}" for k, v in people.items()))
    print(f"{'what':58} {'measured':34} {'goal':22}")
    measures: dict[str, Any] = {
        "list": lambda: list_throughput(people, rounds),
        "plan": lambda: list_plan(people),
        "score": lambda: score_sorting(people, max(3, rounds // 2)),
        "portfolio": lambda: portfolio(people, max(3, rounds // 2)),
        "panels": lambda: panels(people),
        "audit": lambda: audit_pages(people, rounds),
        "exports": lambda: exports(people, 3),
        "verify": lambda: verification(rounds),
        "maturity": lambda: None if arguments.skip_load else maturity(people),
        "html": lambda: html_list(people),
    }
    for name in FIGURES:
        if not only or name in only:
            measures[name]()
    print("\nSummary")
    for what, figure, goal, verdict in RESULTS:
        print(f"| {what} | {figure} | {goal} | {verdict} |")


if __name__ == "__main__":
    main()
