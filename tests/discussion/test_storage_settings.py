"""Where attachments are stored comes from the environment: local files by
default, a private S3-compatible bucket when asked, nothing guessed."""

import subprocess
import sys

from tests.governance.test_settings import ROOT, run_check

SHOW = (
    "from django.conf import settings; o = settings.STORAGES['attachments']; "
    "print(o['BACKEND']); print(o['OPTIONS'].get('bucket_name')); "
    "print(o['OPTIONS'].get('default_acl')); print(o['OPTIONS'].get('file_overwrite')); "
    "print(settings.ATTACHMENT_MAX_BYTES)"
)


def _settings(**env: str) -> list[str]:
    import os

    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SHOW],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=environment | env,
        check=True,
        timeout=120,
    )
    return result.stdout.split()


def test_attachments_are_local_files_of_at_most_10_mb_by_default() -> None:
    assert _settings() == [
        "django.core.files.storage.FileSystemStorage",
        "None",
        "None",
        "None",
        str(10 * 1024 * 1024),
    ]


def test_s3_storage_is_private_and_never_overwrites() -> None:
    shown = _settings(
        DJANGO_ATTACHMENT_STORAGE="s3",
        DJANGO_ATTACHMENT_S3_BUCKET="governance-files",
        DJANGO_ATTACHMENT_MAX_MB="25",
    )
    assert shown == [
        "storages.backends.s3.S3Storage",
        "governance-files",
        "None",
        "False",
        str(25 * 1024 * 1024),
    ]


def test_s3_storage_without_a_bucket_is_refused() -> None:
    result = run_check(DJANGO_ATTACHMENT_STORAGE="s3")
    assert result.returncode != 0
    assert "DJANGO_ATTACHMENT_S3_BUCKET" in result.stderr


def test_an_unknown_storage_is_refused() -> None:
    result = run_check(DJANGO_ATTACHMENT_STORAGE="ftp")
    assert result.returncode != 0
    assert "must be local or s3" in result.stderr
