"""Staff read initiatives and their history in the admin; nothing is changed or
reverted there."""

from typing import Any

from initiatives.models import Initiative
from tests.conftest import Org, bring_to


def test_staff_read_an_initiative_and_its_history(org: Org, client: Any) -> None:
    initiative = bring_to(org, "submitted")
    client.force_login(org.admin)
    assert client.get(f"/admin/initiatives/initiative/{initiative.pk}/change/").status_code == 200
    history = client.get(f"/admin/initiatives/initiative/{initiative.pk}/history/")
    assert history.status_code == 200
    first = initiative.history.order_by("history_id").first()
    version = f"/admin/initiatives/initiative/{initiative.pk}/history/{first.history_id}/"
    assert client.get(version).status_code == 200


def test_a_posted_revert_is_refused(org: Org, client: Any) -> None:
    initiative = bring_to(org, "submitted")
    client.force_login(org.admin)
    first = initiative.history.order_by("history_id").first()
    response = client.post(
        f"/admin/initiatives/initiative/{initiative.pk}/history/{first.history_id}/",
        {"title": "Reverted"},
    )
    assert response.status_code == 403
    assert Initiative.objects.get(pk=initiative.pk).state == "submitted"
    assert initiative.history.count() == 2
