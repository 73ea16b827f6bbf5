"""The demo library: a few dozen entries of every kind in English, German and
Italian, and a German regulation on approvals as related reading of the
social media policy; seeding twice adds nothing."""

from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command

from knowledge.demo import GERMAN_REGULATION
from knowledge.models import Entry, Kind, State
from policies.models import Policy
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_demo_library(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)

    entries = Entry.objects.all()
    assert entries.count() == 30
    assert set(entries.values_list("language", flat=True)) == {"en", "de", "it"}
    assert set(entries.values_list("kind", flat=True)) == set(Kind.values)
    assert Counter(entries.values_list("state", flat=True))[State.PROPOSED] >= 2
    regulation = Entry.objects.get(title=GERMAN_REGULATION)
    assert regulation.kind == Kind.REGULATION
    assert regulation.state == State.PUBLISHED
    policy = Policy.objects.get(title="Social media policy")
    assert list(policy.library_entries.filter(state=State.PUBLISHED)) == [regulation]

    from django.contrib.auth.models import User

    reader = User.objects.get(username="sales_lead")
    page = signed_in(reader).get(f"/policies/{policy.pk}/").content.decode()
    assert "Genehmigung von Social-Media-Kampagnen" in page
