"""The approval requirement that reads the social account registry: every
account the initiative uses is registered (approved, active or dormant, not
merely requested) and has an active owner and an active backup owner."""

from django.utils.translation import gettext

from initiatives.models import Initiative
from initiatives.preconditions import Unmet
from social_accounts.models import SocialAccount, State

REGISTERED = (State.APPROVED, State.ACTIVE, State.DORMANT)


def accounts_registered(*, initiative: Initiative) -> Unmet | None:
    problems = []
    for account in (
        SocialAccount.objects.filter(initiatives=initiative)
        .select_related("owner", "backup_owner")
        .order_by("channel", "handle", "pk")
    ):
        if account.state not in REGISTERED:
            problems.append(
                gettext("%(account)s is not registered (%(state)s)")
                % {"account": account, "state": account.get_state_display().lower()}
            )
        elif account.backup_owner is None or not account.backup_owner.is_active:
            problems.append(gettext("%(account)s has no backup owner") % {"account": account})
        elif not account.owner.is_active:
            problems.append(gettext("%(account)s has no active owner") % {"account": account})
    if not problems:
        return None
    return Unmet(
        gettext("Accounts the initiative uses: %(problems)s.") % {"problems": "; ".join(problems)}
    )
