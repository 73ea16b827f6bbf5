"""`make worker`: one Celery worker with the beat scheduler in it, with the same
settings and keys as `make serve`. Production runs beat as its own single
process (docs/deployment.md); one process is enough on one machine."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.localprod import PYTHON, ROOT, STATE, production_env


def main() -> None:
    env = production_env()
    if not env.get("DJANGO_CELERY_BROKER_URL"):
        raise SystemExit(
            "Set DJANGO_CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0), here and for "
            "`make serve`: without a broker, tasks run inside the web process."
        )
    os.chdir(ROOT)
    os.execve(
        PYTHON,
        [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "governance",
            "worker",
            "--beat",
            "--schedule",
            str(STATE / "celerybeat-schedule"),
            "--loglevel",
            "INFO",
            "--concurrency",
            env.get("CELERY_CONCURRENCY") or "2",
        ],
        env,
    )


if __name__ == "__main__":
    main()
