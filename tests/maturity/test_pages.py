"""The maturity page's self-assessment: it shows the answers last recorded,
warns before answers lower a stage, links to pages and reads in the reader's
language."""

import importlib
import json
import re

from django.apps import apps
from django.urls import reverse
from django.utils import translation

from maturity import services
from maturity.criteria_text import CRITERIA_TEXT
from maturity.models import MaturityAssessment, MaturityCriterion
from tests.conftest import Org, bring_to, signed_in
from tests.social_accounts.conftest import account_in


def ticked(body: str) -> set[str]:
    return set(re.findall(r'<input type="checkbox" name="(\w+)"[^>]*checked', body))


def record(org: Org, **answers: bool) -> None:
    services.maturity_assessment_record(
        actor=org.marketing_lead, business_unit=org.marketing, answers=answers
    )


def test_the_form_shows_the_answers_last_recorded(org: Org) -> None:
    record(org, listening_program=True, formal_presence=True, engagement_practices=False)
    body = signed_in(org.marketing_lead).get(reverse("maturity")).content.decode()
    assert ticked(body) == {"listening_program", "formal_presence"}
    assert "Answers for Marketing, as last recorded." in body


def test_the_coe_lead_picks_the_scope_whose_answers_the_form_shows(org: Org) -> None:
    record(org, listening_program=True)
    client = signed_in(org.coe_lead)
    assert ticked(client.get(reverse("maturity")).content.decode()) == set()
    body = client.get(reverse("maturity"), {"scope": org.marketing.pk}).content.decode()
    assert ticked(body) == {"listening_program"}
    assert f'<input type="hidden" name="scope" value="{org.marketing.pk}"' in body


def test_answers_that_lower_the_stage_are_shown_again_with_a_warning(org: Org) -> None:
    bring_to(org, "submitted")
    account_in(org, "active")
    record(org, listening_program=True, formal_presence=True)
    answers = {"scope": org.marketing.pk, "listening_program": "on"}

    response = signed_in(org.marketing_lead).post(reverse("maturity-assess"), answers)

    body = response.content.decode()
    assert response.status_code == 200
    assert "These answers lower Marketing from Presence to Planning." in body
    assert ticked(body) == {"listening_program"}
    assert 'name="confirm_lower" value="1"' in body
    assert MaturityAssessment.objects.count() == 1


def test_confirmed_answers_that_lower_the_stage_are_recorded(org: Org) -> None:
    bring_to(org, "submitted")
    account_in(org, "active")
    record(org, listening_program=True, formal_presence=True)
    answers = {"scope": org.marketing.pk, "listening_program": "on", "confirm_lower": "1"}

    response = signed_in(org.marketing_lead).post(reverse("maturity-assess"), answers)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('maturity')}?scope={org.marketing.pk}"
    latest = MaturityAssessment.objects.latest("id")
    assert (latest.stage, latest.answers["formal_presence"]) == (1, False)


def test_answers_that_raise_the_stage_are_recorded_without_a_warning(org: Org) -> None:
    bring_to(org, "submitted")
    account_in(org, "active")
    answers = {"scope": org.marketing.pk, "listening_program": "on", "formal_presence": "on"}
    response = signed_in(org.marketing_lead).post(reverse("maturity-assess"), answers)
    assert response.status_code == 302
    assert MaturityAssessment.objects.latest("id").stage == 2


def test_where_to_fix_it_links_go_to_pages_not_the_api(org: Org) -> None:
    body = signed_in(org.marketing_lead).get(reverse("maturity")).content.decode()
    links = re.findall(r'<a href="([^"]+)">Where to fix it</a>', body)
    assert links
    assert not [link for link in links if link.startswith("/api/")]
    assert "/maturity/#assess-title" in links


def test_the_links_migration_moves_published_api_links_to_pages(db: None) -> None:
    migration = importlib.import_module("maturity.migrations.0002_fix_links_to_pages")
    MaturityCriterion.objects.filter(key="core_policies").update(fix_url="/api/policies/")
    MaturityCriterion.objects.filter(key="kpis_recorded").update(fix_url="/wiki/kpis")
    migration.to_pages(apps, None)
    links = dict(MaturityCriterion.objects.values_list("key", "fix_url"))
    assert (links["core_policies"], links["kpis_recorded"]) == ("/policies/", "/wiki/kpis")


def test_criteria_read_in_the_readers_language(org: Org) -> None:
    client = signed_in(org.marketing_lead)
    german = client.get(reverse("maturity"), headers={"accept-language": "de"}).content.decode()
    italian = client.get(reverse("maturity"), headers={"accept-language": "it"}).content.decode()
    assert "Ein Social-Listening-Programm" in german
    assert "Wir hören zu, was in sozialen Kanälen" in german
    assert "Un programma di ascolto" in italian
    assert "A listening program" not in german + italian


def test_every_published_criterion_reads_in_german_and_italian() -> None:
    with open("maturity/data/maturity_criteria.json") as published:
        criteria = json.load(published)
    assert {c["key"]: (c["title"], c["description"]) for c in criteria} == CRITERIA_TEXT
    for language in ("de", "it"):
        with translation.override(language):
            for title, description in CRITERIA_TEXT.values():
                assert translation.gettext(title) != title
                assert translation.gettext(description) != description
