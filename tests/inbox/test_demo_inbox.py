"""The demo shows the inbox: the delegate finds the sponsor's sign-offs "on
behalf of" them, and the demo users have unread notifications."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from inbox import selectors, sources
from inbox.models import Notification


@pytest.fixture
def development(settings: Any) -> None:
    settings.DEBUG = True


@pytest.mark.usefixtures("development")
def test_the_demo_fills_the_inboxes(db: None) -> None:
    call_command("seed_demo", verbosity=0)
    users = get_user_model().objects
    comms_lead, coe_lead = users.get(username="comms_lead"), users.get(username="coe_lead")
    delegated = [
        task
        for task in selectors.as_tasks(selectors.tasks(user=comms_lead))
        if task.kind == sources.SIGNOFF
    ]
    assert delegated
    assert {task.on_behalf_of for task in delegated} == {"cmo"}
    assert selectors.task_count(user=coe_lead) > 0
    unread = Notification.objects.filter(read_at__isnull=True)
    assert unread.filter(recipient__username="cmo").exists()
    assert unread.filter(recipient__username="coe_lead").exists()
