"""`make serve`: collectstatic, migrate and gunicorn with DEBUG off, on SQLite,
or on PostgreSQL with DATABASE_URL. Local use only (see scripts/localprod.py)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.localprod import PYTHON, ROOT, prepare, production_env


def main() -> None:
    env = production_env()
    prepare(env)
    database = env.get("DATABASE_URL") or "SQLite (governance.sqlite3)"
    print(
        f"Serving with DEBUG off on {env.get('GUNICORN_BIND') or '127.0.0.1:8000'}, "
        f"database {database.split('@')[-1]}. Local keys: .serve/local-keys.env"
    )
    os.chdir(ROOT)
    os.execve(
        PYTHON,
        [PYTHON, "-m", "gunicorn", "governance.wsgi:application"],
        env,
    )


if __name__ == "__main__":
    main()
