"""The demo's policies: what the issue asks the seed to show."""

from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command

from governance.models import AuditEvent
from policies import selectors
from policies.models import (
    Acknowledgment,
    Category,
    Policy,
    PolicyException,
    PolicyVersion,
    State,
)


@pytest.fixture(autouse=True)
def _development(settings: Any) -> None:
    # The demo is seeded in development (DEBUG on) only, unless forced.
    settings.DEBUG = True


def test_seed_demo_adds_policies_with_history_coverage_and_exceptions(db: None) -> None:
    call_command("seed_demo", verbosity=0)
    counts = (
        Policy.objects.count(),
        PolicyVersion.objects.count(),
        Acknowledgment.objects.count(),
        PolicyException.objects.count(),
        AuditEvent.objects.count(),
    )
    call_command("seed_demo", verbosity=0)
    assert (
        Policy.objects.count(),
        PolicyVersion.objects.count(),
        Acknowledgment.objects.count(),
        PolicyException.objects.count(),
        AuditEvent.objects.count(),
    ) == counts

    # One published policy per category, and one draft the CoE is still writing.
    published = Policy.objects.exclude(state=State.DRAFT)
    assert sorted(published.values_list("category", flat=True)) == sorted(Category.values)
    assert list(Policy.objects.filter(state=State.DRAFT).values_list("title", flat=True)) == [
        "Live streaming"
    ]
    versions = Counter(PolicyVersion.objects.values_list("policy_id", flat=True))
    assert sum(1 for n in versions.values() if n >= 2) >= 3
    assert max(versions.values()) == 3
    editors = {
        row.history_user.username
        for policy in Policy.objects.filter(version__gte=2)
        for row in policy.history.select_related("history_user")
    }
    assert {"coe_lead", "coe_analyst"} <= editors
    assert [p.title for p in selectors.overdue_policies()] == ["Privacy and customer data"]

    coverage = [
        unit for policy in Policy.objects.all() for unit in selectors.coverage(policy=policy)
    ]
    assert any(unit["acknowledged"] for unit in coverage)
    assert any(unit["outdated"] for unit in coverage)
    assert any(unit["missing"] for unit in coverage)

    statuses = sorted(e.status for e in PolicyException.objects.all())
    assert statuses == ["active", "expired", "requested"]
    pending = PolicyException.objects.get(state="requested")
    assert pending.requested_by.username == "marketing_lead"

    call_command("verify_audit", verbosity=0)
