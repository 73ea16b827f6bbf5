"""Settings come from the environment, strictly, and an unsafe production
configuration is refused."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from governance.env import env_bool, env_list, env_str

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


# The production settings docs/deployment.md documents, behind a TLS proxy.
DEPLOYED = PRODUCTION | {
    "DJANGO_SECRET_KEY": "p9-Vq3#x" * 8,
    "DJANGO_ALLOWED_HOSTS": "governance.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://governance.example.org",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "on",
    "DATABASE_URL": "postgres://governance@db.example.org:5432/governance",
    "DJANGO_CELERY_BROKER_URL": "redis://redis.example.org:6379/0",
    "DJANGO_CACHE_URL": "redis://redis.example.org:6379/1",
}


def test_the_documented_production_settings_pass_check_deploy() -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=environment | DEPLOYED,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNINGS" not in result.stderr
    assert "System check identified no issues" in result.stdout


def test_debug_off_alone_turns_https_on() -> None:
    result = run_shell(
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS > 0, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)",
        **PRODUCTION,
    )
    assert result.stdout.split() == ["True", "True", "True", "True"], result.stderr


def test_the_secret_key_and_passwords_can_come_from_files(tmp_path: Path) -> None:
    key, db_password, mail_password = tmp_path / "key", tmp_path / "db", tmp_path / "mail"
    key.write_text("k3y-from-a-file-" * 4 + "\n")
    db_password.write_text("db-secret\n")
    mail_password.write_text("mail-secret\n")
    environment = {k: v for k, v in DEPLOYED.items() if k != "DJANGO_SECRET_KEY"}
    result = run_shell(
        "from django.conf import settings as s; "
        "print(s.SECRET_KEY, s.DATABASES['default']['PASSWORD'], s.EMAIL_HOST_PASSWORD)",
        **environment,
        DJANGO_SECRET_KEY_FILE=str(key),
        DATABASE_PASSWORD_FILE=str(db_password),
        DJANGO_EMAIL_HOST_PASSWORD_FILE=str(mail_password),
    )
    assert result.stdout.split() == ["k3y-from-a-file-" * 4, "db-secret", "mail-secret"], (
        result.stderr
    )


def test_an_empty_variable_means_unset() -> None:
    # As in a copy of .env.example: every variable present, most of them empty.
    example = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            example[name] = value
    assert example["DATABASE_URL"] == ""
    result = run_shell(
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.SECRET_KEY)",
        **example,
    )
    assert result.returncode == 0, result.stderr
    engine, eager, secret = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert eager == "True"
    assert secret.startswith("django-insecure-dev-only")
    assert run_check(**example).returncode == 0


def test_an_empty_string_reads_as_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_URL", "")
    assert env_str("SOME_URL", "sqlite:///x") == "sqlite:///x"


def run_shell(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    for name in ("DATABASE_URL", "DATABASE_PASSWORD", "DATABASE_MIGRATE_URL"):
        environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=environment | env,
        check=False,
        timeout=120,
    )


def check_deploy_without(name: str) -> str:
    """What `check --deploy` prints with the documented settings less `name`."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=environment | {k: v for k, v in DEPLOYED.items() if k != name},
        check=False,
        timeout=120,
    )
    return result.stderr


def test_check_deploy_warns_when_no_broker_is_configured() -> None:
    assert "governance.W001" in check_deploy_without("DJANGO_CELERY_BROKER_URL")


def test_check_deploy_warns_when_no_shared_cache_is_configured() -> None:
    printed = check_deploy_without("DJANGO_CACHE_URL")
    assert "governance.W002" in printed
    assert "governance.W001" not in printed
