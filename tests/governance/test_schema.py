"""The OpenAPI schema describes every endpoint without warnings."""

from pathlib import Path

from django.core.management import call_command


def test_the_schema_validates_without_warnings(db: None, tmp_path: Path) -> None:
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    for path in (
        "/api/portfolio/",
        "/api/policies/{id}/as-of/",
        "/api/maturity/",
        "/api/amendments/{id}/transitions/{name}/",
        "/api/audit/events/",
    ):
        assert path in text
