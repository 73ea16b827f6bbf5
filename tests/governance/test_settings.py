"""Settings come from the environment, strictly, and an unsafe production
configuration is refused."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from governance.env import env_bool, env_list

ROOT = Path(__file__).resolve().parents[2]


def run_check(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=environment | env,
        check=False,
        timeout=120,
    )


def test_the_dev_key_is_refused_with_debug_off() -> None:
    result = run_check(DJANGO_DEBUG="off")
    assert result.returncode != 0
    assert "governance.E001" in result.stderr


PRODUCTION = {
    "DJANGO_DEBUG": "off",
    "DJANGO_SECRET_KEY": "x" * 50,
    "DJANGO_AUDIT_HMAC_KEY": "h" * 40,
    # An Ed25519 seed in hex; a real deployment gives a PEM file.
    "DJANGO_AUDIT_SIGNING_KEY": "11" * 32,
    "DJANGO_AUDIT_CHECKPOINT_FILE": "/var/lib/governance-checkpoints/audit.jsonl",
}


def test_real_keys_with_debug_off_pass() -> None:
    result = run_check(**PRODUCTION)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("unset", "error"),
    [
        ("DJANGO_AUDIT_HMAC_KEY", "governance.E003"),
        ("DJANGO_AUDIT_SIGNING_KEY", "governance.E005"),
        ("DJANGO_AUDIT_CHECKPOINT_FILE", "governance.E007"),
    ],
)
def test_the_dev_audit_keys_are_refused_with_debug_off(unset: str, error: str) -> None:
    environment = {k: v for k, v in PRODUCTION.items() if k != unset}
    result = run_check(**environment)
    assert result.returncode != 0
    assert error in result.stderr


def test_an_audit_key_can_come_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "hmac"
    secret.write_text("f" * 40 + "\n")
    environment = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_AUDIT_HMAC_KEY"}
    result = run_check(**environment, DJANGO_AUDIT_HMAC_KEY_FILE=str(secret))
    assert result.returncode == 0, result.stderr


def test_a_malformed_signing_key_is_refused() -> None:
    result = run_check(**PRODUCTION | {"DJANGO_AUDIT_SIGNING_KEY": "not a key"})
    assert "governance.E006" in result.stderr


def test_the_dev_key_is_fine_with_debug_on() -> None:
    assert run_check(DJANGO_DEBUG="on").returncode == 0


def test_a_malformed_boolean_is_an_error_not_a_guess(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG", True)


def test_lists_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_HOSTS", "a.example, b.example,")
    assert env_list("SOME_HOSTS", []) == ["a.example", "b.example"]
