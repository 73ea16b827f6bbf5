import pytest

from tests.conftest import STATES, Org, bring_to


@pytest.mark.parametrize("unit", ["marketing", "sales"])
def test_every_state_is_reachable_through_the_workflow(org: Org, unit: str) -> None:
    for state in STATES:
        assert bring_to(org, state, unit=unit).state == state
