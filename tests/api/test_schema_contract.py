"""The API answers as its OpenAPI schema says. Schemathesis generates requests
from the schema for every operation and sends them as three roles (the CoE
lead, a unit lead, the auditor) against an organization with data; no answer
may be a 5xx, and every answer's status, content type and body must be the
ones the schema declares."""

import itertools
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.meta import TestPhase
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import Org, api_token, bring_to

ROLES = ("coe_lead", "marketing_lead", "auditor")
# The coverage phase's cases (boundary values and each way an input can be
# wrong, three quarters of all cases) are the same on every run: each is sent
# as one role, the three in turn; every generated case is sent as all three.
_coverage_turn = itertools.count()
# Examples per operation and role; `SCHEMA_EXAMPLES=1000 pytest tests/api` digs deeper.
EXAMPLES = int(os.environ.get("SCHEMA_EXAMPLES", "100"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _spec() -> dict[str, Any]:
    spec = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(spec, renderer_context={}))


schema = schemathesis.openapi.from_dict(_spec())
schema.app = get_wsgi_application()


@pytest.fixture
def tokens(org: Org) -> Iterator[dict[str, str]]:
    """A few initiatives in different states, so that generated ids sometimes
    name real objects, and a token per role."""
    for state in ("draft", "submitted", "in_review", "approved"):
        bring_to(org, state)
    # As Django's test client does: the requests run inside the test's
    # transaction, so the end of a request must not close the connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {role: api_token(org.people[role]) for role in ROLES}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    # The same examples on every run, so that CI checks what was checked here;
    # SCHEMA_EXAMPLES raises their number.
    derandomize=True,
)
def test_every_answer_matches_the_schema(case: Any, tokens: dict[str, str]) -> None:
    roles: tuple[str, ...] = ROLES
    if case.meta is not None and case.meta.phase.name == TestPhase.COVERAGE:
        roles = (ROLES[next(_coverage_turn) % len(ROLES)],)
    for role in roles:
        case.call_and_validate(headers={"Authorization": f"Token {tokens[role]}"}, checks=CHECKS)
