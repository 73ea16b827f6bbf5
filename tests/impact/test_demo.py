"""The demo shows an amendment under review that changes a KPI's target."""

from typing import Any

import pytest
from django.core.management import call_command

from impact.models import KpiChange


@pytest.mark.django_db
def test_demo_has_an_amendment_changing_a_kpi_target(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    change = KpiChange.objects.select_related("amendment__initiative", "kpi").get()
    assert change.amendment.initiative.title == "Community forum moderation"
    assert change.amendment.state == "in_review"
    assert change.action == "change"
    assert set(change.values) == {"target"}
    assert change.values["target"] != change.old["target"]
