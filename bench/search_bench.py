"""Search at scale: median time of a search as the product answers it against
the bare ranked SQL query over the same documents.

Run after `bench/seed.py` on the same database (BENCH_DATABASE_URL). With
--prepare it first gives the seeded initiatives varied titles and summaries
in English, German and Italian (the seed names them all alike), seeds the
library (10,000 entries by default: every kind, the three languages, some
shown to chosen units only) and writes every search document
(`search.indexing.documents_rebuild`, as `manage.py search_reindex` does).

    python bench/seed.py --scale 0.05
    python bench/search_bench.py --prepare --rounds 7
    python bench/search_bench.py --explain "approve campaign"
"""

import argparse
import datetime
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

common.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from governance.models import BusinessUnit, Membership, OrganizationRole  # noqa: E402
from initiatives.models import Initiative  # noqa: E402
from knowledge.models import Audience as EntryAudience  # noqa: E402
from knowledge.models import Entry, Kind  # noqa: E402
from knowledge.models import State as EntryState  # noqa: E402
from search import selectors  # noqa: E402
from search.indexing import documents_rebuild  # noqa: E402
from search.models import Document  # noqa: E402
from search.paging import WindowCountPaginator, ranked_page_sql  # noqa: E402

GOAL = 1.5
PAGE = 20
WORDS = {
    "english": [
        "customer",
        "care",
        "campaign",
        "approvals",
        "employee",
        "advocacy",
        "influencer",
        "video",
        "podcast",
        "recruiting",
        "crisis",
        "response",
        "community",
        "listening",
        "brand",
        "launch",
        "partners",
        "events",
    ],
    "german": [
        "Kundenservice",
        "Kampagne",
        "Genehmigungen",
        "Mitarbeitende",
        "Werbung",
        "Kennzeichnung",
        "Stellenanzeigen",
        "Krisenkommunikation",
        "Gemeinschaft",
        "Marke",
        "Veranstaltungen",
    ],
    "italian": [
        "assistenza",
        "clienti",
        "campagna",
        "approvazioni",
        "dipendenti",
        "pubblicità",
        "marchio",
        "crisi",
        "comunità",
        "eventi",
        "reclutamento",
        "lancio",
    ],
}
QUERIES = ["approve campaign", "Genehmigung", "approvazione clienti", "podcast"]


# The library's share of entries shown to chosen units only, and of proposals.
UNIT_ONLY = 0.2
PROPOSED = 0.1
# Marks the entries --prepare writes, so that a second run replaces them.
ENTRY_TAG = "bench-seed"
ENTRY_LANGUAGES = {"english": "en", "german": "de", "italian": "it"}


def prepare_entries(count: int) -> int:
    """`count` library entries written by bulk_create (no history rows, as an
    import would): every kind, the three languages, a fifth shown to one or
    two units only, a tenth still proposed."""
    rng = random.Random(23)
    Entry.objects.filter(tags__contains=ENTRY_TAG).delete()
    owner = OrganizationRole.objects.get(role=OrganizationRole.Role.COE_LEAD).user
    units = list(BusinessUnit.objects.values_list("pk", flat=True))
    kinds = list(Kind.values)
    languages = list(WORDS)
    now = timezone.now()
    through = Entry.audience_units.through
    written = 0
    for offset in range(0, count, 2000):
        rows = []
        for n in range(offset, min(count, offset + 2000)):
            language = languages[n % 3]
            words = WORDS[language]
            proposed = rng.random() < PROPOSED
            rows.append(
                Entry(
                    title=" ".join(rng.sample(words, 3)).capitalize() + f" ({n})",
                    kind=kinds[n % len(kinds)],
                    language=ENTRY_LANGUAGES[language],
                    summary=" ".join(rng.choices(words, k=10)) + ".",
                    body=" ".join(rng.choices(words, k=60)) + ".",
                    tags=f"{ENTRY_TAG},{rng.choice(words).lower()}",
                    owner=owner,
                    audience=(
                        EntryAudience.UNITS
                        if rng.random() < UNIT_ONLY
                        else EntryAudience.ORGANIZATION
                    ),
                    state=EntryState.PROPOSED if proposed else EntryState.PUBLISHED,
                    created_at=now - datetime.timedelta(days=rng.randint(1, 900)),
                    published_at=None
                    if proposed
                    else now - datetime.timedelta(days=rng.randint(0, 800)),
                )
            )
        created = Entry.objects.bulk_create(rows)
        through.objects.bulk_create(
            [
                through(entry_id=entry.pk, businessunit_id=unit)
                for entry in created
                if entry.audience == EntryAudience.UNITS
                for unit in rng.sample(units, min(len(units), rng.randint(1, 2)))
            ]
        )
        written += len(created)
    return written


def prepare(entries: int) -> None:
    """Varied titles and summaries, the library's entries, then every document written anew."""
    rng = random.Random(17)
    languages = list(WORDS)
    start = time.perf_counter()
    ids = list(Initiative.objects.order_by("pk").values_list("pk", flat=True))
    for offset in range(0, len(ids), 5000):
        rows = []
        for pk in ids[offset : offset + 5000]:
            words = WORDS[languages[pk % 3]]
            rows.append(
                Initiative(
                    pk=pk,
                    title=" ".join(rng.sample(words, 3)).capitalize() + f" {pk}",
                    summary=" ".join(rng.choices(words, k=12)) + ".",
                )
            )
        Initiative.objects.bulk_update(rows, ["title", "summary"], batch_size=1000)
    print(f"seeded {prepare_entries(entries)} library entries")
    written = documents_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE search_document")
    print(f"prepared {written} documents in {time.perf_counter() - start:.0f} s")


def personas() -> dict[str, Any]:
    lead = OrganizationRole.objects.get(role=OrganizationRole.Role.COE_LEAD).user
    member_row = (
        Membership.objects.filter(role=Membership.Role.MEMBER)
        .values("user")
        .annotate(n=Count("id"))
        .order_by("-n", "user")
        .first()
    )
    assert member_row is not None
    member = Membership.objects.filter(user_id=member_row["user"]).first()
    assert member is not None
    return {"member": member.user, "CoE lead": lead}


def product(user: Any, query: str) -> None:
    """What the search page and the API do: the first page with the total, and its hits."""
    page = WindowCountPaginator(selectors.search(user=user, query=query), PAGE).page(1)
    selectors.hits(documents=list(page.object_list), query=query)


BARE = """
SELECT id, kind, object_id, title, ts_rank(vector, q) AS rank
FROM search_document,
     (SELECT websearch_to_tsquery('english', %(q)s) || websearch_to_tsquery('german', %(q)s)
             || websearch_to_tsquery('italian', %(q)s) AS q) AS query
WHERE vector @@ q
ORDER BY rank DESC
LIMIT %(limit)s
"""


def bare(query: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(BARE, {"q": query, "limit": PAGE})
        cursor.fetchall()


def explain(query: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + BARE, {"q": query, "limit": PAGE})
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print("bare plan uses the GIN index:", "search_document_vector" in plan)


def explain_search(user: Any, query: str) -> None:
    """EXPLAIN ANALYZE of the page's two queries as the paginator runs them:
    the ranked ids with the total, then the rows of those ids."""
    documents = selectors.search(user=user, query=query)
    sql, params = ranked_page_sql(documents, bottom=0, size=PAGE)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        print("\n".join(row[0] for row in cursor.fetchall()))
        cursor.execute(sql, params)
        ids = [pk for pk, _total in cursor.fetchall()]
    rows = Document.objects.filter(pk__in=ids).defer("stems", "vector")
    print(rows.explain(analyze=True, buffers=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--prepare", action="store_true", help="vary the texts, seed the library and reindex first"
    )
    parser.add_argument(
        "--entries", type=int, default=10_000, help="library entries --prepare seeds"
    )
    parser.add_argument(
        "--explain",
        metavar="QUERY",
        help="print EXPLAIN ANALYZE of each caller's search for QUERY and stop",
    )
    args = parser.parse_args()
    if args.prepare:
        prepare(args.entries)
    print(
        f"documents: {Document.objects.count()} "
        f"({dict(Document.objects.values_list('kind').annotate(n=Count('id')))})"
    )
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    explain(QUERIES[0])
    people = personas()
    if args.explain:
        for name, user in people.items():
            print(f"--- {name}, {args.explain!r}")
            explain_search(user, args.explain)
        return
    worst = 0.0
    for name, user in people.items():
        for query in QUERIES:
            hits = selectors.search(user=user, query=query)
            ours, theirs = common.side_by_side(
                lambda u=user, q=query: product(u, q), lambda q=query: bare(q), args.rounds
            )
            ratio = ours / theirs
            worst = max(worst, ratio)
            print(
                f"{name:9} {query!r:24} matches {hits.count():7}: search {ours * 1000:7.1f} ms, "
                f"bare ranked SQL {theirs * 1000:7.1f} ms, ratio {ratio:.2f}"
            )
    verdict = "met" if worst <= GOAL else "not met"
    print(f"worst ratio {worst:.2f} (goal: at most {GOAL}) -> {verdict}")
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
