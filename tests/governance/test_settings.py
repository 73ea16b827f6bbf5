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


def test_a_real_key_with_debug_off_passes() -> None:
    result = run_check(DJANGO_DEBUG="off", DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


def test_the_dev_key_is_fine_with_debug_on() -> None:
    assert run_check(DJANGO_DEBUG="on").returncode == 0


def test_a_malformed_boolean_is_an_error_not_a_guess(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG", True)


def test_lists_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_HOSTS", "a.example, b.example,")
    assert env_list("SOME_HOSTS", []) == ["a.example", "b.example"]
