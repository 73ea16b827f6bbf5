from tests.conftest import Org, bring_to


def test_every_state_is_reachable_in_the_fixtures(org: Org) -> None:
    for state in ("draft", "submitted", "in_review", "changes_requested", "awaiting_sponsor",
                  "approved", "rejected", "active", "paused", "completed", "withdrawn"):
        assert bring_to(org, state).state == state
