"""The objects of this product that carry a discussion, registered as kinds:
initiatives and amendments (seen by whoever sees their unit; files attached by
those who work on them), policies (files attached by their authors, the CoE)
and policy exceptions (comments only)."""

from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse

from discussion.kinds import Kind, UserLike
from governance import access
from initiatives import selectors as initiative_selectors
from initiatives.models import Amendment, Initiative
from policies import selectors as policy_selectors
from policies.models import Policy, PolicyException

# The unit rights of those who work on a unit's initiatives: proposing,
# reviewing, deciding, signing off. Seeing alone (an auditor's) is not enough.
_WORKS_ON = (access.PROPOSE, access.REVIEW, access.DECIDE, access.SPONSOR)


def works_on_unit(user: UserLike, unit_id: int) -> bool:
    rights = access.unit_rights(user)
    if any(unit_id in rights.get(codename, frozenset()) for codename in _WORKS_ON):
        return True
    return access.delegating_sponsor(user, unit_id) is not None


def _initiative_url(initiative: Initiative) -> str:
    return reverse("initiatives:detail", args=[initiative.pk])


def _amendment_url(amendment: Amendment) -> str:
    return reverse("initiatives:detail", args=[amendment.initiative_id])


def _exception_url(exception: PolicyException) -> str:
    return reverse("policies:exception-detail", args=[exception.pk])


def _may_attach_to_policy(user: User, policy: Any) -> bool:
    return access.EDIT_POLICIES in access.organization_rights(user)


def kinds_of_this_product() -> list[Kind]:
    return [
        Kind(
            slug="initiatives",
            model=Initiative,
            visible=lambda user: initiative_selectors.visible_initiatives(user=user),
            url=_initiative_url,
            may_attach=lambda user, initiative: works_on_unit(user, initiative.business_unit_id),
        ),
        Kind(
            slug="amendments",
            model=Amendment,
            visible=lambda user: initiative_selectors.visible_amendments(user=user),
            url=_amendment_url,
            may_attach=lambda user, amendment: works_on_unit(
                user, amendment.initiative.business_unit_id
            ),
        ),
        Kind(
            slug="policies",
            model=Policy,
            visible=lambda user: policy_selectors.visible_policies(user=user),
            url=lambda policy: reverse("policies:detail", args=[policy.pk]),
            may_attach=_may_attach_to_policy,
        ),
        Kind(
            slug="exceptions",
            model=PolicyException,
            visible=lambda user: policy_selectors.visible_exceptions(user=user),
            url=_exception_url,
        ),
    ]
