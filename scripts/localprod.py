"""The production path on this machine: DEBUG off, real keys, gunicorn, WhiteNoise.

For `make serve`, the two-node test and the load benchmark. The keys it makes
are throwaway keys for local use only, kept in .serve/local-keys.env (ignored
by git); a deployment brings its own (docs/deployment.md)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".serve"
KEYS = STATE / "local-keys.env"
PYTHON = sys.executable


def local_keys() -> dict[str, str]:
    """The throwaway keys of this checkout, made on first use."""
    STATE.mkdir(exist_ok=True)
    if not KEYS.exists():
        KEYS.write_text(
            "# Throwaway keys for running the production path locally. Never deploy them.\n"
            f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}\n"
            f"DJANGO_AUDIT_HMAC_KEY={secrets.token_urlsafe(40)}\n"
            f"DJANGO_AUDIT_SIGNING_KEY={secrets.token_hex(32)}\n"
        )
        KEYS.chmod(0o600)
    keys = {}
    for line in KEYS.read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            keys[name] = value
    return keys


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a local production run: DEBUG off over plain HTTP on
    loopback (so no HTTPS redirect, HSTS or secure-only cookies), the keys from
    the environment when set, else the local throwaway ones."""
    env = dict(os.environ)
    for name, value in local_keys().items():
        if not env.get(name) and not env.get(f"{name}_FILE"):
            env[name] = value
    env.update(
        {
            "DJANGO_DEBUG": "off",
            "DJANGO_SECURE_SSL_REDIRECT": "off",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_SESSION_COOKIE_SECURE": "off",
            "DJANGO_CSRF_COOKIE_SECURE": "off",
            "DJANGO_ALLOWED_HOSTS": env.get("DJANGO_ALLOWED_HOSTS") or "127.0.0.1,localhost",
            "DJANGO_AUDIT_CHECKPOINT_FILE": env.get("DJANGO_AUDIT_CHECKPOINT_FILE")
            or str(STATE / "audit-checkpoints.jsonl"),
        }
    )
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str], quiet: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=quiet,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(
            f"manage.py {' '.join(args)} failed:\n{result.stdout or ''}{result.stderr or ''}"
        )
    return result.stdout or ""


def prepare(env: dict[str, str], *, quiet: bool = False) -> None:
    """What a deployment runs before starting the app servers."""
    manage("collectstatic", "--noinput", "-v", "0", env=env, quiet=quiet)
    manage("migrate", "--noinput", "-v", "0", env=env, quiet=quiet)
