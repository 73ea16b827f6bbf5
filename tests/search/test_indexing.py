"""Documents follow the objects they show: an amendment's document shows its
initiative's title and unit, and is written anew when those change."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives import services as workflow
from initiatives.models import Amendment, Initiative
from search import selectors
from search.models import Document
from tests.conftest import Org, bring_to


def amended(org: Org) -> tuple[Initiative, Amendment]:
    initiative = bring_to(org, "active", title="Spring campaign")
    amendment = workflow.amendment_propose(
        actor=org.marketing_lead,
        initiative=initiative,
        changes={"budget": Decimal(8000)},
        reason="The campaign grew.",
    )
    return initiative, amendment


def test_renaming_an_initiative_renames_its_amendments_documents(org: Org) -> None:
    initiative, amendment = amended(org)
    # As the admin renames it: a plain save of the model.
    renamed = Initiative.objects.get(pk=initiative.pk)
    renamed.title = "Summer roadshow"
    renamed.save()
    document = Document.objects.get(kind="amendment", object_id=amendment.pk)
    assert document.title == "Summer roadshow"
    kinds = {hit.kind for hit in selectors.search(user=org.marketing_lead, query="roadshow")}
    assert kinds == {"initiative", "amendment"}
    assert not selectors.search(user=org.marketing_lead, query="spring").exists()


def test_moving_an_initiative_moves_its_amendments_documents(org: Org) -> None:
    initiative, amendment = amended(org)
    moved = Initiative.objects.get(pk=initiative.pk)
    moved.business_unit = org.sales
    moved.save()
    assert Document.objects.get(kind="amendment", object_id=amendment.pk).unit_id == org.sales.pk


def test_a_save_that_keeps_the_title_leaves_the_amendments_alone(org: Org) -> None:
    initiative, _amendment = amended(org)
    same = Initiative.objects.get(pk=initiative.pk)
    same.summary = "Reach more customers."
    with CaptureQueriesContext(connection) as queries:
        same.save()
    assert not [q for q in queries if "initiatives_amendment" in q["sql"]]
