"""The policy pages: the library, a policy, its history and a diff, and the
home panel of policies to acknowledge. Who sees what is the API's answer."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from policies import selectors, services
from policies.models import Acknowledgment, Policy, PolicyVersion
from tests.conftest import Org, signed_in
from tests.policies.conftest import draft_policy, policy_in, republish


def url(name: str, policy: Policy) -> str:
    return reverse(f"policies:{name}", args=[policy.pk])


def history_ids(policy: Policy) -> list[int]:
    return list(selectors.history_of(policy=policy).values_list("history_id", flat=True))


@pytest.mark.parametrize("path", ["/policies/", "/policies/1/", "/policies/1/history/"])
def test_policy_pages_require_sign_in(org: Org, client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_staff_see_published_policies_that_apply_to_them_only(org: Org) -> None:
    policy_in(org, "published", title="For everyone")
    policy_in(org, "published", title="Sales only", units=[org.sales])
    policy_in(org, "draft", title="Still a draft")
    policy_in(org, "retired", title="Gone")
    for persona in ("marketing_member", "sponsor"):
        body = signed_in(org.people[persona]).get("/policies/").content.decode()
        assert "For everyone" in body
        assert "Sales only" not in body
        assert "Still a draft" not in body
        assert "Gone" not in body


@pytest.mark.parametrize("persona", ["coe_lead", "coe_member", "auditor"])
def test_coe_and_auditors_see_every_policy_drafts_included(org: Org, persona: str) -> None:
    policy_in(org, "published", title="Sales only", units=[org.sales])
    policy_in(org, "draft", title="Still a draft")
    policy_in(org, "retired", title="Gone")
    body = signed_in(org.people[persona]).get("/policies/").content.decode()
    for title in ("Sales only", "Still a draft", "Gone"):
        assert title in body


def test_outsider_sees_an_empty_library(org: Org) -> None:
    policy_in(org, "published", title="For everyone")
    body = signed_in(org.outsider).get("/policies/").content.decode()
    assert "For everyone" not in body
    assert "No policy applies to you yet." in body


def test_library_groups_by_category_and_shows_version_review_and_overdue(org: Org) -> None:
    policy = policy_in(org, "published", title="Crisis playbook", category="crisis_escalation")
    Policy.objects.filter(pk=policy.pk).update(next_review_due=datetime.date(2020, 1, 1))
    body = signed_in(org.marketing_member).get("/policies/").content.decode()
    assert "Crisis escalation" in body
    assert "Overdue for review" in body
    assert 'data-label="Version">1<' in body


def test_staff_see_whether_they_acknowledged_the_current_version(org: Org) -> None:
    policy = policy_in(org, "published", title="Brand voice")
    client = signed_in(org.marketing_member)
    assert "Not acknowledged" in client.get("/policies/").content.decode()
    services.policy_acknowledge(actor=org.marketing_member, policy=policy)
    body = client.get("/policies/").content.decode()
    assert "Not acknowledged" not in body
    assert "Acknowledged" in body
    republish(org, policy, "# Brand voice\n\nWe are clear, warm and brief.\n")
    assert "New version to acknowledge" in client.get("/policies/").content.decode()


def test_staff_read_the_version_in_force_not_the_working_copy(org: Org) -> None:
    policy = policy_in(org, "published", body="In force text.")
    policy = services.policy_transition(actor=org.coe_member, policy=policy, name="revise")
    services.policy_update(
        actor=org.coe_member, policy=policy, changes={"body": "Draft text."}, change_reason="edit"
    )
    staff = signed_in(org.marketing_member).get(url("detail", policy)).content.decode()
    coe = signed_in(org.coe_member).get(url("detail", policy)).content.decode()
    assert "In force text." in staff
    assert "Draft text." not in staff
    assert "Draft text." in coe
    assert "Working copy" in coe


def test_detail_renders_sanitized_markdown(org: Org) -> None:
    policy = policy_in(
        org, "published", body="## Rules\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))"
    )
    body = signed_in(org.marketing_member).get(url("detail", policy)).content.decode()
    assert "<h2>Rules</h2>" in body
    assert "<script>alert(1)" not in body
    assert "javascript:" not in body


def test_detail_shows_the_version_timeline(org: Org) -> None:
    policy = policy_in(org, "published")
    republish(org, policy, "Second text.")
    body = signed_in(org.sponsor).get(url("detail", policy)).content.decode()
    assert "Version 2" in body
    assert "Version 1" in body
    assert "coe_lead" in body


def test_outsider_and_staff_of_other_units_get_404(org: Org) -> None:
    sales = policy_in(org, "published", units=[org.sales])
    draft = policy_in(org, "draft")
    assert signed_in(org.outsider).get(url("detail", sales)).status_code == 404
    assert signed_in(org.marketing_member).get(url("detail", sales)).status_code == 404
    assert signed_in(org.marketing_member).get(url("detail", draft)).status_code == 404
    assert signed_in(org.marketing_member).post(url("acknowledge", sales)).status_code == 404


def test_coverage_and_history_link_are_for_the_coe_and_auditors(org: Org) -> None:
    policy = policy_in(org, "published")
    services.policy_acknowledge(actor=org.marketing_lead, policy=policy)
    auditor = signed_in(org.auditor).get(url("detail", policy)).content.decode()
    staff = signed_in(org.marketing_member).get(url("detail", policy)).content.decode()
    assert "Acknowledgments" in auditor
    assert "marketing_lead" in auditor
    assert url("history", policy) in auditor
    assert url("history", policy) not in staff
    assert "Acknowledgments" not in staff


def test_the_version_in_force_on_a_date(org: Org) -> None:
    policy = policy_in(org, "published")
    today = datetime.date.today()
    PolicyVersion.objects.filter(policy=policy).update(
        effective_date=today - datetime.timedelta(days=10),
        published_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=10),
    )
    client = signed_in(org.marketing_member)
    before = today - datetime.timedelta(days=30)
    answer = client.get(url("detail", policy), {"as_of": today.isoformat()}).content.decode()
    assert "version 1 was in force" in answer
    answer = client.get(url("detail", policy), {"as_of": before.isoformat()}).content.decode()
    assert "No version of this policy was in force on" in answer
    assert (
        "Enter a valid date." in client.get(url("detail", policy), {"as_of": "x"}).content.decode()
    )


def test_as_of_with_htmx_answers_with_the_result_only(org: Org) -> None:
    policy = policy_in(org, "published")
    response = signed_in(org.auditor).get(
        url("detail", policy),
        {"as_of": datetime.date.today().isoformat()},
        headers={"HX-Request": "true", "HX-Target": "as-of-result"},
    )
    body = response.content.decode()
    assert "version 1 was in force" in body
    assert "<html" not in body


def test_staff_acknowledge_once_and_again_changes_nothing(org: Org) -> None:
    policy = policy_in(org, "published")
    client = signed_in(org.marketing_member)
    assert "Acknowledge version 1" in client.get(url("detail", policy)).content.decode()
    response = client.post(url("acknowledge", policy))
    assert response.status_code == 302
    assert response["Location"] == url("detail", policy)
    client.post(url("acknowledge", policy))
    assert Acknowledgment.objects.filter(policy=policy, user=org.marketing_member).count() == 1
    body = client.get(url("detail", policy)).content.decode()
    assert "Acknowledge version 1" not in body
    assert "You acknowledged version 1." in body


def test_acknowledging_says_which_version_was_acknowledged(org: Org) -> None:
    policy = policy_in(org, "published", title="Brand voice")
    response = signed_in(org.marketing_member).post(url("acknowledge", policy), follow=True)
    assert "You acknowledged version 1 of “Brand voice”." in response.content.decode()


def test_acknowledging_with_htmx_returns_the_updated_box(org: Org) -> None:
    policy = policy_in(org, "published")
    response = signed_in(org.marketing_lead).post(
        url("acknowledge", policy), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert f'id="acknowledge-{policy.pk}"' in body
    assert "You acknowledged version 1" in body
    assert Acknowledgment.objects.filter(policy=policy, user=org.marketing_lead).count() == 1


def test_acknowledging_returns_to_a_local_next_page_only(org: Org) -> None:
    policy = policy_in(org, "published")
    client = signed_in(org.marketing_member)
    assert client.post(url("acknowledge", policy), {"next": "/"})["Location"] == "/"
    other = policy_in(org, "published", title="Other")
    response = client.post(url("acknowledge", other), {"next": "https://evil.example/"})
    assert response["Location"] == url("detail", other)


@pytest.mark.parametrize("persona", ["sponsor", "auditor", "coe_lead"])
def test_a_forged_acknowledgment_by_who_may_not_acknowledge_gets_403(
    org: Org, persona: str
) -> None:
    policy = policy_in(org, "published")
    client = signed_in(org.people[persona])
    assert "Acknowledge version" not in client.get(url("detail", policy)).content.decode()
    assert client.post(url("acknowledge", policy)).status_code == 403
    assert not Acknowledgment.objects.filter(policy=policy).exists()


def test_acknowledge_refuses_get(org: Org) -> None:
    policy = policy_in(org, "published")
    assert signed_in(org.marketing_member).get(url("acknowledge", policy)).status_code == 405


def test_acknowledge_without_the_csrf_token_is_refused(org: Org) -> None:
    policy = policy_in(org, "published")
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.marketing_member)
    assert client.post(url("acknowledge", policy)).status_code == 403
    assert not Acknowledgment.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coe_lead", 200),
        ("coe_member", 200),
        ("auditor", 200),
        ("sponsor", 403),
        ("marketing_member", 403),
        ("marketing_lead", 403),
        ("outsider", 404),
        ("sales_member", 404),
    ],
)
def test_history_and_diff_are_for_the_coe_and_auditors(org: Org, persona: str, status: int) -> None:
    policy = policy_in(org, "published", units=[org.marketing])
    newer, older = history_ids(policy)[:2]
    client = signed_in(org.people[persona])
    assert client.get(url("history", policy)).status_code == status
    diff = client.get(url("diff", policy), {"from_record": older, "to_record": newer})
    assert diff.status_code == status


def test_an_invisible_draft_history_is_404_for_staff(org: Org) -> None:
    draft = policy_in(org, "draft")
    assert signed_in(org.marketing_member).get(url("history", draft)).status_code == 404


def test_history_lists_every_version_newest_first_with_who_why_and_what(org: Org) -> None:
    policy = policy_in(org, "published")
    republish(org, policy, "Second text.", title="Brand voice, second edition")
    body = signed_in(org.auditor).get(url("history", policy)).content.decode()
    assert body.index("publish") < body.index("created")
    assert "Next version" in body
    assert "coe_member" in body
    assert "Title, Body" in body
    assert url("diff", policy) in body


def test_history_paginates(org: Org) -> None:
    policy = draft_policy(org)
    for n in range(30):
        services.policy_update(
            actor=org.coe_member,
            policy=policy,
            changes={"body": f"Text {n}"},
            change_reason=f"r{n}",
        )
    client = signed_in(org.coe_member)
    first = client.get(url("history", policy)).content.decode()
    second = client.get(url("history", policy), {"page": 2}).content.decode()
    assert "Page 1 of 2" in first
    assert ">r29<" in first
    assert ">created<" in second
    assert ">r29<" not in second


def test_diff_shows_changed_fields_and_highlights_changed_words(org: Org) -> None:
    policy = policy_in(org, "published", body="We are clear and warm.")
    republish(org, policy, "We are clear and friendly.", title="Voice")
    ids = history_ids(policy)
    body = (
        signed_in(org.auditor)
        .get(url("diff", policy), {"from_record": ids[-1], "to_record": ids[0]})
        .content.decode()
    )
    assert "<del>warm.</del><ins>friendly.</ins>" in body
    assert "We are clear and " in body
    assert "<del>Brand voice</del>" in body
    assert "<ins>Voice</ins>" in body


def test_words_changed_together_are_one_highlight() -> None:
    assert selectors.word_diff(old="within one business day.", new="within four hours.") == [
        ("equal", "within "),
        ("delete", "one business day."),
        ("insert", "four hours."),
    ]
    assert selectors.word_diff(old="a b", new="a b") == [("equal", "a b")]


def test_diff_takes_the_two_records_in_either_order(org: Org) -> None:
    policy = policy_in(org, "published", body="Old words.")
    republish(org, policy, "New words.")
    ids = history_ids(policy)
    client = signed_in(org.coe_lead)
    forward = client.get(
        url("diff", policy), {"from_record": ids[-1], "to_record": ids[0]}
    ).content.decode()
    backward = client.get(
        url("diff", policy), {"from_record": ids[0], "to_record": ids[-1]}
    ).content.decode()
    assert "<del>Old</del><ins>New</ins>" in forward
    assert "<del>Old</del><ins>New</ins>" in backward


def test_diff_escapes_html_in_the_body(org: Org) -> None:
    policy = policy_in(org, "published", body="Say <b>hello</b>.")
    republish(org, policy, "Say <script>alert('x')</script> hello.")
    ids = history_ids(policy)
    body = (
        signed_in(org.auditor)
        .get(url("diff", policy), {"from_record": ids[-1], "to_record": ids[0]})
        .content.decode()
    )
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    assert "<b>hello" not in body


@pytest.mark.parametrize(
    "query",
    [
        {"from": "x", "to": "1"},
        {"from": "1", "to": "99999999999"},
        {"from_record": "1"},
        {"from_record": "1", "to_record": "99999999999"},
    ],
)
def test_diff_with_missing_or_unknown_records_is_404(org: Org, query: dict[str, str]) -> None:
    policy = policy_in(org, "published")
    assert signed_in(org.auditor).get(url("diff", policy), query).status_code == 404


def test_diff_refuses_a_record_of_another_policy(org: Org) -> None:
    policy = policy_in(org, "published")
    other = policy_in(org, "published", title="Other")
    query = {"from_record": history_ids(policy)[0], "to_record": history_ids(other)[0]}
    assert signed_in(org.auditor).get(url("diff", policy), query).status_code == 404


def test_home_lists_the_policies_staff_still_have_to_acknowledge(org: Org) -> None:
    done = policy_in(org, "published", title="Already read")
    policy_in(org, "published", title="Still to read")
    policy_in(org, "published", title="Sales rules", units=[org.sales])
    services.policy_acknowledge(actor=org.marketing_lead, policy=done)
    body = signed_in(org.marketing_lead).get("/").content.decode()
    panel = body[body.index('id="panel-policies_to_acknowledge"') :]
    assert "Policies to acknowledge" in body
    assert "Still to read" in panel
    assert "Already read" not in panel
    assert "Sales rules" not in panel
    republish(org, done, "A new text.")
    body = signed_in(org.marketing_lead).get("/").content.decode()
    assert "Already read" in body[body.index('id="panel-policies_to_acknowledge"') :]


@pytest.mark.parametrize("persona", ["sponsor", "auditor", "coe_lead", "outsider"])
def test_only_unit_staff_get_the_acknowledgment_panel(org: Org, persona: str) -> None:
    policy_in(org, "published")
    body = signed_in(org.people[persona]).get("/").content.decode()
    assert "Policies to acknowledge" not in body


def test_auditor_home_links_to_the_policy_library(org: Org) -> None:
    assert 'href="/policies/"' in signed_in(org.auditor).get("/").content.decode()


def test_navigation_has_a_policies_entry(org: Org) -> None:
    assert 'href="/policies/"' in signed_in(org.marketing_member).get("/").content.decode()


def test_policy_pages_in_german_and_italian(org: Org) -> None:
    policy = policy_in(org, "published")
    client = signed_in(org.marketing_member)
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert "Richtlinien" in client.get("/policies/").content.decode()
    client.post("/i18n/setlang/", {"language": "it", "next": "/"})
    assert "Conferma la versione 1" in client.get(url("detail", policy)).content.decode()


def _grow_history(org: Org, policy: Policy, count: int) -> None:
    current = len(history_ids(policy))
    for n in range(current, count):
        services.policy_update(
            actor=org.coe_member,
            policy=policy,
            changes={"body": f"Text {n}", "business_units": [org.marketing] if n % 2 else []},
            change_reason=f"change {n}",
        )


def test_history_page_runs_a_constant_number_of_queries(org: Org) -> None:
    policy = draft_policy(org)
    client = signed_in(org.auditor)

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(path).status_code == 200
        return len(context.captured_queries)

    pages = [url("history", policy), url("history", policy) + "?page=2"]

    def warm() -> None:
        # The writes clear the per-process caches (the header's task counts):
        # both sizes are measured with them warm, so that only the data differs.
        for path in pages:
            client.get(path)

    _grow_history(org, policy, 20)
    warm()
    at_20 = [queries(path) for path in pages]
    _grow_history(org, policy, 300)
    warm()
    at_300 = [queries(path) for path in pages]
    print(f"history page queries at 20 versions: {at_20}; at 300: {at_300}")
    assert at_20 == at_300


def three_versions(org: Org) -> Policy:
    policy = policy_in(org, "published", body="First words.")
    republish(org, policy, "Second words.")
    # A version that changes only the title: the body stays as in version 2.
    return republish(org, policy, "Second words.", title="Brand voice, third edition")


def test_diff_takes_version_numbers(org: Org) -> None:
    policy = three_versions(org)
    body = signed_in(org.auditor).get(url("diff", policy), {"from": 1, "to": 3}).content.decode()
    assert "<del>First</del><ins>Second</ins>" in body
    assert "(version 1, Published)" in body
    assert "(version 3, Published)" in body


def test_diff_opens_on_the_latest_published_version_against_the_one_before(org: Org) -> None:
    policy = three_versions(org)
    client = signed_in(org.auditor)
    response = client.get(url("diff", policy))
    assert response.status_code == 302
    assert response["Location"] == url("diff", policy) + "?from=2&to=3"
    body = client.get(response["Location"]).content.decode()
    assert "<ins>Brand voice, third edition</ins>" in body
    assert "The body did not change." in body


def test_diff_of_a_policy_published_once_opens_its_history(org: Org) -> None:
    policy = policy_in(org, "published")
    response = signed_in(org.auditor).get(url("diff", policy))
    assert response["Location"] == url("history", policy)


def test_an_old_diff_link_with_record_ids_is_sent_to_those_records(org: Org) -> None:
    policy = three_versions(org)
    ids = history_ids(policy)
    old_link = {"from": ids[-1], "to": ids[0]}
    response = signed_in(org.auditor).get(url("diff", policy), old_link)
    assert response.status_code == 302
    assert response["Location"] == (
        url("diff", policy) + f"?from_record={ids[-1]}&to_record={ids[0]}"
    )


def test_history_never_shows_version_0_and_preselects_the_last_two_versions(org: Org) -> None:
    policy = three_versions(org)
    services.policy_transition(actor=org.coe_member, policy=policy, name="revise")
    body = signed_in(org.auditor).get(url("history", policy)).content.decode()
    cells = re.findall(r'<td class="num" data-label="Version">([^<]*)</td>', body)
    assert "0" not in cells
    assert "Draft of version 1" in cells
    assert "Draft of version 4" in cells
    published = selectors.version_records(policy=policy, versions=[2, 3])
    assert f'name="from_record" value="{published[2].history_id}"' in body
    assert re.search(rf'name="from_record" value="{published[2].history_id}"[^>]*checked', body)
    assert re.search(rf'name="to_record" value="{published[3].history_id}"[^>]*checked', body)
