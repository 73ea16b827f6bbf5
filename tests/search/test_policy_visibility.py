"""Search's condition on policy versions is the policy list's own decision,
built without the list's annotations: the same versions for every persona."""

import datetime

from django.db.models import BigIntegerField
from django.db.models.functions import Coalesce
from django.utils import timezone

from policies import selectors as policy_selectors
from policies.models import PolicyVersion
from search import selectors
from tests.conftest import Org
from tests.policies.conftest import policy_in, republish


def listed_versions(user: object) -> set[int]:
    """The versions the policy list decides the user reads (visible_policies)."""
    policies = policy_selectors.visible_policies(user=user)  # type: ignore[arg-type]
    if policy_selectors.sees_all_policies(user=user):  # type: ignore[arg-type]
        return set(
            PolicyVersion.objects.filter(policy__in=policies.values("pk")).values_list(
                "pk", flat=True
            )
        )
    return set(
        policies.annotate(
            shown=Coalesce(
                "version_in_force_id", "current_version_id", output_field=BigIntegerField()
            )
        ).values_list("shown", flat=True)
    ) - {None}


def searched_versions(user: object) -> set[int]:
    shown = policy_selectors.shown_version_ids(user=user)  # type: ignore[arg-type]
    versions = (
        PolicyVersion.objects.all() if shown is None else PolicyVersion.objects.filter(pk__in=shown)
    )
    return set(versions.values_list("pk", flat=True))


def test_every_persona_is_shown_the_versions_the_list_decides(org: Org) -> None:
    policy_in(org, "published", title="Brand voice", body="Words.")
    policy_in(org, "published", title="Marketing only", body="Words.", units=[org.marketing])
    policy_in(org, "retired", title="Old rules", body="Words.")
    policy_in(org, "draft", title="Draft rules", body="Words.")
    renewed = policy_in(org, "published", title="Renewed", body="Words.")
    republish(org, renewed, "Other words.")
    scheduled = policy_in(org, "published", title="Scheduled", body="Words.")
    republish(
        org,
        scheduled,
        "Later words.",
        effective_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    for persona, user in org.people.items():
        assert searched_versions(user) == listed_versions(user), persona
        found = {
            document.object_id
            for document in selectors.search(user=user, query="words", kind="policy")
        }
        assert found == listed_versions(user), persona
