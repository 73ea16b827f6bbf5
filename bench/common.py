"""Shared by the benchmark's scripts: Django set up against the benchmark's
database (BENCH_DATABASE_URL, PostgreSQL), and timing side by side."""

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/gov_bench"


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    # The bench measures the product, not the debug toolbar of query logging.
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
    # Plain HTTP in process: no redirect to HTTPS, cookies sent without TLS.
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "off")
    os.environ.setdefault("DJANGO_SESSION_COOKIE_SECURE", "off")
    os.environ.setdefault("DJANGO_CSRF_COOKIE_SECURE", "off")
    import django

    django.setup()
    # Pages render with the production static storage (hashed names from the
    # manifest), so a fresh clone collects the files once first.
    from django.conf import settings
    from django.core.management import call_command

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)


def side_by_side(
    product: Callable[[], object], baseline: Callable[[], object], rounds: int
) -> tuple[float, float]:
    """Median seconds of each, measured in alternated rounds after one warm-up each."""
    product()
    baseline()
    ours: list[float] = []
    theirs: list[float] = []
    for n in range(rounds):
        pair = [(product, ours), (baseline, theirs)]
        if n % 2:
            pair.reverse()
        for call, times in pair:
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
    return statistics.median(ours), statistics.median(theirs)


def once(call: Callable[[], object], rounds: int) -> float:
    call()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
