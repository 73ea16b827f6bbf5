import datetime
from typing import Any

import pytest
from django.utils import timezone

from initiatives import services as workflow
from initiatives.models import Decision, Initiative
from tests.conftest import Org


@pytest.fixture
def mailed_org(org: Org) -> Org:
    """The personas, each with an email address."""
    for name, user in org.people.items():
        user.email = f"{name}@example.com"
        user.save(update_fields=["email"])
    return org


def age(initiative: Initiative, days: int, **filters: Any) -> None:
    """Move the initiative's decisions `days` calendar days into the past."""
    Decision.objects.filter(initiative=initiative, **filters).update(
        at=timezone.now() - datetime.timedelta(days=days)
    )
    workflow.initiative_waits_refresh(initiatives=Initiative.objects.filter(pk=initiative.pk))
