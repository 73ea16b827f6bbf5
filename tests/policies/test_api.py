"""The policy and exception API: who may do what, and the contract of each endpoint."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from policies import services
from policies.models import Policy, PolicyException, add_months
from tests.conftest import Org, api_client, bring_to, propose
from tests.policies.conftest import draft_policy, policy_in, republish

ROLES = (
    "coe_lead",
    "coe_member",
    "auditor",
    "sponsor",
    "marketing_lead",
    "marketing_member",
    "sales_lead",
    "outsider",
)
COE = {"coe_lead", "coe_member"}
READERS = {"coe_lead", "coe_member", "auditor"}  # see drafts and history
MARKETING = {"sponsor", "marketing_lead", "marketing_member"}  # the policy applies to them


def _expect(ok: set[str], forbidden: set[str], ok_status: int = 200) -> dict[str, int]:
    """Everyone else cannot see the object: 404."""
    return {role: ok_status if role in ok else 403 if role in forbidden else 404 for role in ROLES}


# action -> (state of the policy, method, path suffix, body, expected status by role).
# The policy applies to Marketing only.
MATRIX: dict[str, tuple[str, str, str, dict[str, Any], dict[str, int]]] = {
    "retrieve_draft": ("draft", "get", "", {}, _expect(READERS, set())),
    "retrieve_published": ("published", "get", "", {}, _expect(READERS | MARKETING, set())),
    "patch_draft": (
        "draft",
        "patch",
        "",
        {"title": "New", "change_reason": "why"},
        _expect(COE, {"auditor"}),
    ),
    "patch_published": (
        "published",
        "patch",
        "",
        {"title": "New", "change_reason": "why"},
        _expect(set(), {"auditor"} | MARKETING) | {r: 409 for r in COE},
    ),
    "submit": ("draft", "post", "transitions/submit/", {}, _expect(COE, {"auditor"})),
    "return_to_draft": (
        "in_review",
        "post",
        "transitions/return_to_draft/",
        {"comment": "Not yet"},
        _expect(COE, {"auditor"}),
    ),
    "publish": (
        "in_review",
        "post",
        "transitions/publish/",
        {},
        _expect({"coe_lead"}, {"coe_member", "auditor"}),
    ),
    "revise": (
        "published",
        "post",
        "transitions/revise/",
        {},
        _expect(COE, {"auditor"} | MARKETING),
    ),
    "retire": (
        "published",
        "post",
        "transitions/retire/",
        {},
        _expect({"coe_lead"}, {"coe_member", "auditor"} | MARKETING),
    ),
    "transitions": ("published", "get", "transitions/", {}, _expect(READERS | MARKETING, set())),
    "history": ("published", "get", "history/", {}, _expect(READERS, MARKETING)),
    "as_of": (
        "published",
        "get",
        f"as-of/?date={timezone.localdate().isoformat()}",
        {},
        _expect(READERS | MARKETING, set()),
    ),
    "acknowledge": (
        "published",
        "post",
        "acknowledge/",
        {},
        _expect({"marketing_lead", "marketing_member"}, READERS | {"sponsor"}),
    ),
    "acknowledgments": ("published", "get", "acknowledgments/", {}, _expect(READERS, MARKETING)),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(MATRIX))
def test_role_by_action(org: Org, action: str, role: str) -> None:
    state, method, suffix, body, expected = MATRIX[action]
    policy = policy_in(org, state, units=[org.marketing])
    client = api_client(org.people[role])
    response = getattr(client, method)(f"/api/policies/{policy.pk}/{suffix}", body, format="json")
    assert response.status_code == expected[role], response.content


@pytest.mark.parametrize("role", ROLES)
def test_who_may_draft_a_policy(org: Org, role: str) -> None:
    response = api_client(org.people[role]).post(
        "/api/policies/", {"title": "Voice", "category": "brand_voice"}, format="json"
    )
    assert response.status_code == (201 if role in COE else 403), response.content


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_overdue_list(org: Org, role: str) -> None:
    response = api_client(org.people[role]).get("/api/policies/overdue/")
    assert response.status_code == (200 if role in READERS else 403)


@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_each_role_what_it_may_see(org: Org, role: str) -> None:
    draft = policy_in(org, "draft", title="Draft")
    mine = policy_in(org, "published", title="Marketing", units=[org.marketing])
    everyone = policy_in(org, "published", title="Everyone")
    retired = policy_in(org, "retired", title="Retired")
    seen = {p["id"] for p in api_client(org.people[role]).get("/api/policies/").json()["results"]}
    expected = {
        "coe_lead": {draft.pk, mine.pk, everyone.pk, retired.pk},
        "coe_member": {draft.pk, mine.pk, everyone.pk, retired.pk},
        "auditor": {draft.pk, mine.pk, everyone.pk, retired.pk},
        "sponsor": {mine.pk, everyone.pk},
        "marketing_lead": {mine.pk, everyone.pk},
        "marketing_member": {mine.pk, everyone.pk},
        "sales_lead": {everyone.pk},
        "outsider": set(),
    }[role]
    assert seen == expected


def test_anonymous_callers_get_401(org: Org) -> None:
    assert api_client(None).get("/api/policies/").status_code == 401


# Drafting and editing


def test_create_and_patch_with_a_reason(org: Org) -> None:
    client = api_client(org.coe_member)
    created = client.post(
        "/api/policies/",
        {
            "title": "Voice",
            "category": "brand_voice",
            "body": "Be **clear**.",
            "business_units": [org.marketing.pk],
            "review_interval_months": 6,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["state"], data["version"], data["owner"]) == ("draft", 0, "coe_member")
    assert data["body_html"] == "<p>Be <strong>clear</strong>.</p>"
    assert data["published"] is None

    patched = client.patch(
        f"/api/policies/{data['id']}/",
        {"body": "Be clear and warm.", "change_reason": "Warmth"},
        format="json",
    )
    assert patched.status_code == 200, patched.content
    assert "change_reason" not in patched.json()
    policy = Policy.objects.get(pk=data["id"])
    assert policy.history.latest().history_change_reason == "Warmth"


@pytest.mark.parametrize("body", [{"title": "X"}, {"title": "X", "change_reason": " "}])
def test_patch_without_a_change_reason_is_400(org: Org, body: dict[str, str]) -> None:
    policy = draft_policy(org)
    response = api_client(org.coe_member).patch(f"/api/policies/{policy.pk}/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"change_reason"}
    assert Policy.objects.get(pk=policy.pk).title == policy.title


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"category": "gossip"}, "category"),
        ({"review_interval_months": 0}, "review_interval_months"),
        ({"version": 7}, "version"),
        ({"state": "published"}, "state"),
        ({"owner": "nobody"}, "owner"),
        ({"business_units": [999999]}, "business_units"),
    ],
)
def test_bad_input_is_400_naming_the_field(org: Org, body: dict[str, Any], field: str) -> None:
    policy = draft_policy(org)
    response = api_client(org.coe_member).patch(
        f"/api/policies/{policy.pk}/", body | {"change_reason": "why"}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_readers_see_the_version_in_force_not_the_draft(org: Org) -> None:
    policy = policy_in(org, "published", body="In force\n")
    policy = services.policy_transition(actor=org.coe_member, policy=policy, name="revise")
    services.policy_update(
        actor=org.coe_member,
        policy=policy,
        changes={"body": "<script>x()</script>Secret draft\n", "title": "Renamed"},
        change_reason="Draft",
    )
    reader = api_client(org.marketing_member).get(f"/api/policies/{policy.pk}/").json()
    assert (reader["body"], reader["version"], reader["state"]) == ("In force\n", 1, "published")
    assert reader["title"] == "Brand voice"
    assert reader["my_acknowledged_version"] is None
    coe = api_client(org.coe_member).get(f"/api/policies/{policy.pk}/").json()
    assert (coe["state"], coe["title"]) == ("draft", "Renamed")
    assert "<script" not in coe["body_html"]
    assert coe["published"]["version"] == 1


def test_transition_status_codes(org: Org) -> None:
    policy = policy_in(org, "draft")
    client = api_client(org.coe_lead)
    base = f"/api/policies/{policy.pk}/transitions"
    assert client.post(f"{base}/publish/", {}, format="json").status_code == 409
    assert client.post(f"{base}/delete/", {}, format="json").status_code == 404
    assert client.post(f"{base}/submit/", {}, format="json").status_code == 200
    refused = client.post(f"{base}/return_to_draft/", {}, format="json")
    assert refused.status_code == 400
    assert set(refused.json()) == {"comment"}
    names = [t["name"] for t in client.get(f"{base}/").json()]
    assert names == ["publish", "return_to_draft"]


# History, diff and as-of


def test_history_lists_every_version_newest_first(org: Org) -> None:
    policy = draft_policy(org, by="coe_member")
    services.policy_update(
        actor=org.coe_member,
        policy=policy,
        changes={"body": "Second\n", "business_units": [org.sales]},
        change_reason="Narrow",
    )
    policy = policy_in_transitions(org, policy)
    rows = api_client(org.auditor).get(f"/api/policies/{policy.pk}/history/").json()["results"]
    assert [(r["state"], r["version"], r["user"], r["change_reason"]) for r in rows] == [
        ("published", 1, "coe_lead", "publish"),
        ("in_review", 0, "coe_member", "submit"),
        ("draft", 0, "coe_member", "Narrow"),
        ("draft", 0, "coe_member", "created"),
    ]
    assert rows[0]["changed_fields"] == ["effective_date", "next_review_due", "version", "state"]
    assert rows[1]["changed_fields"] == ["state"]
    assert rows[2]["changed_fields"] == ["body", "business_units"]
    assert "title" in rows[3]["changed_fields"]
    assert set(rows[0]) == {
        "history_id",
        "version",
        "state",
        "at",
        "user",
        "change_reason",
        "changed_fields",
    }


def policy_in_transitions(org: Org, policy: Policy) -> Policy:
    policy = services.policy_transition(actor=org.coe_member, policy=policy, name="submit")
    return services.policy_transition(actor=org.coe_lead, policy=policy, name="publish")


def test_history_pages_keep_changed_fields_across_the_page_boundary(org: Org) -> None:
    policy = draft_policy(org)
    for i in range(4):
        services.policy_update(
            actor=org.coe_member, policy=policy, changes={"body": f"v{i}\n"}, change_reason=f"{i}"
        )
    client = api_client(org.coe_lead)
    first = client.get(f"/api/policies/{policy.pk}/history/?page_size=2").json()
    second = client.get(f"/api/policies/{policy.pk}/history/?page_size=2&page=2").json()
    assert first["count"] == 5
    assert [r["changed_fields"] for r in first["results"]] == [["body"], ["body"]]
    third = client.get(f"/api/policies/{policy.pk}/history/?page_size=2&page=3").json()
    # The last row of a page is compared with the first row of the next one.
    assert [r["changed_fields"] for r in second["results"]] == [["body"], ["body"]]
    assert "title" in third["results"][0]["changed_fields"]


def test_diff_shows_fields_and_a_unified_diff_of_the_body(org: Org) -> None:
    policy = draft_policy(org, body="one\ntwo\n")
    services.policy_update(
        actor=org.coe_member,
        policy=policy,
        changes={"body": "one\n2\n", "title": "Voice", "owner": org.coe_lead},
        change_reason="Edit",
    )
    older, newer = policy.history.order_by("history_id").values_list("history_id", flat=True)
    response = api_client(org.auditor).get(
        f"/api/policies/{policy.pk}/diff/?from={older}&to={newer}"
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert {c["field"]: (c["old"], c["new"]) for c in data["changes"]} == {
        "title": ("Brand voice", "Voice"),
        "body": ("one\ntwo\n", "one\n2\n"),
        "owner": ("coe_member", "coe_lead"),
    }
    assert "-two\n+2\n" in data["body_diff"]
    assert data["body_diff"].startswith("--- history")


def test_diff_lists_the_units_and_keeps_the_fields_in_their_order(org: Org) -> None:
    policy = draft_policy(org, body="one\n")
    services.policy_update(
        actor=org.coe_member,
        policy=policy,
        changes={"business_units": [org.sales, org.marketing], "title": "Voice"},
        change_reason="Narrow",
    )
    older, newer = policy.history.order_by("history_id").values_list("history_id", flat=True)
    data = (
        api_client(org.auditor)
        .get(f"/api/policies/{policy.pk}/diff/?from={older}&to={newer}")
        .json()
    )
    assert data["changes"] == [
        {"field": "title", "old": "Brand voice", "new": "Voice"},
        {
            "field": "business_units",
            "old": [],
            "new": sorted([org.sales.pk, org.marketing.pk]),
        },
    ]
    assert data["body_diff"] == ""


def test_diff_refuses_ids_of_another_policy_or_none(org: Org) -> None:
    policy = draft_policy(org)
    other = draft_policy(org, title="Other")
    mine = policy.history.get().history_id
    theirs = other.history.get().history_id
    client = api_client(org.auditor)
    bad = client.get(f"/api/policies/{policy.pk}/diff/?from={mine}&to={theirs}")
    assert bad.status_code == 400
    assert set(bad.json()) == {"to"}
    missing = client.get(f"/api/policies/{policy.pk}/diff/?to={mine}")
    assert missing.status_code == 400
    assert set(missing.json()) == {"from"}
    huge = client.get(f"/api/policies/{policy.pk}/diff/?from=99999999999999999999&to={mine}")
    assert huge.status_code == 400
    assert set(huge.json()) == {"from"}


def test_as_of_finds_the_version_in_force_across_three_versions(org: Org) -> None:
    today = timezone.localdate()
    first, second, third = (today + datetime.timedelta(days=d) for d in (10, 40, 100))
    policy = policy_in(org, "published", body="v1\n", effective_date=first)
    policy = republish(org, policy, "v2\n", effective_date=second)
    policy = republish(org, policy, "v3\n", effective_date=third)
    client = api_client(org.marketing_member)

    def as_of(day: datetime.date) -> Any:
        return client.get(f"/api/policies/{policy.pk}/as-of/?date={day.isoformat()}")

    assert as_of(first - datetime.timedelta(days=1)).status_code == 404
    cases = [
        (first, 1),
        (second - datetime.timedelta(days=1), 1),
        (second, 2),
        (third - datetime.timedelta(days=1), 2),
        (third, 3),
        (third + datetime.timedelta(days=365), 3),
    ]
    for day, version in cases:
        response = as_of(day)
        assert response.status_code == 200, (day, response.content)
        assert (response.json()["version"], response.json()["body"]) == (version, f"v{version}\n")

    services.policy_transition(actor=org.coe_lead, policy=policy, name="retire")
    assert (
        api_client(org.auditor)
        .get(f"/api/policies/{policy.pk}/as-of/?date={third.isoformat()}")
        .status_code
        == 404
    )


@pytest.mark.parametrize("value", ["", "yesterday", "2026-13-01"])
def test_as_of_needs_a_date(org: Org, value: str) -> None:
    policy = policy_in(org, "published")
    response = api_client(org.auditor).get(f"/api/policies/{policy.pk}/as-of/?date={value}")
    assert response.status_code == 400
    assert set(response.json()) == {"date"}


# Acknowledgments and attestation


def test_acknowledge_and_coverage(org: Org) -> None:
    policy = policy_in(org, "published", units=[org.marketing])
    member = api_client(org.marketing_member)
    response = member.post(f"/api/policies/{policy.pk}/acknowledge/")
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 1
    assert member.get(f"/api/policies/{policy.pk}/").json()["my_acknowledged_version"] == 1
    republish(org, policy, "v2\n")
    mine = member.get(f"/api/policies/{policy.pk}/").json()
    assert (mine["my_acknowledged_version"], mine["acknowledgment_outdated"]) == (1, True)

    coverage = api_client(org.coe_lead).get(f"/api/policies/{policy.pk}/acknowledgments/").json()
    assert coverage["version"] == 2
    assert coverage["business_units"] == [
        {
            "business_unit": org.marketing.pk,
            "business_unit_name": "Marketing",
            "acknowledged": [],
            "outdated": [{"user": "marketing_member", "version": 1}],
            "missing": ["marketing_lead"],
        }
    ]


def test_the_initiative_detail_shows_attested_versions(org: Org) -> None:
    policy = policy_in(org, "published", title="For all")
    initiative = bring_to(org, "submitted")
    republish(org, policy, "v2\n")
    client = api_client(org.marketing_member)
    detail = client.get(f"/api/initiatives/{initiative.pk}/").json()
    [attested] = detail["attested_policies"]
    assert attested["policy"] == policy.pk
    assert (attested["version"], attested["current_version"]) == (1, 2)
    assert attested["republished_since"] is True
    listed = client.get("/api/initiatives/").json()["results"][0]
    assert "attested_policies" not in listed


# Exceptions


def _exception_body(org: Org, **overrides: Any) -> dict[str, Any]:
    policy = Policy.objects.filter(state="published").first() or policy_in(org, "published")
    initiative = propose(org)
    return {
        "initiative": initiative.pk,
        "policy": policy.pk,
        "reason": "A pilot",
        "expires_on": add_months(timezone.localdate(), 2).isoformat(),
    } | overrides


def test_request_and_decide_an_exception(org: Org) -> None:
    created = api_client(org.marketing_member).post(
        "/api/exceptions/", _exception_body(org), format="json"
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == "requested"
    base = f"/api/exceptions/{pk}/transitions"

    assert api_client(org.coe_member).post(f"{base}/approve/", {"comment": "ok"}).status_code == 403
    assert api_client(org.outsider).post(f"{base}/approve/", {"comment": "ok"}).status_code == 404
    no_comment = api_client(org.coe_lead).post(f"{base}/approve/", {})
    assert no_comment.status_code == 400
    assert set(no_comment.json()) == {"comment"}
    approved = api_client(org.coe_lead).post(f"{base}/approve/", {"comment": "ok"})
    assert approved.status_code == 200, approved.content
    assert (approved.json()["status"], approved.json()["is_active"]) == ("active", True)
    assert api_client(org.coe_lead).post(f"{base}/reject/", {"comment": "no"}).status_code == 409
    assert api_client(org.coe_lead).post(f"{base}/extend/", {"comment": "no"}).status_code == 404


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"expires_on": "2000-01-01"}, "expires_on"),
        ({"reason": ""}, "reason"),
        ({"initiative": 999999}, "initiative"),
        ({"policy": 999999}, "policy"),
        ({"state": "approved"}, "state"),
    ],
)
def test_exception_bad_input_is_400_naming_the_field(
    org: Org, override: dict[str, Any], field: str
) -> None:
    response = api_client(org.marketing_member).post(
        "/api/exceptions/", _exception_body(org, **override), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_an_exception_too_far_ahead_is_400(org: Org) -> None:
    body = _exception_body(
        org,
        expires_on=(add_months(timezone.localdate(), 12) + datetime.timedelta(days=1)).isoformat(),
    )
    response = api_client(org.marketing_lead).post("/api/exceptions/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"expires_on"}


def test_the_active_filter_leaves_out_expired_exceptions(org: Org) -> None:
    body = _exception_body(org)
    exceptions = []
    for _ in range(2):
        exception = services.exception_request(
            actor=org.marketing_member,
            initiative=propose(org),
            policy=Policy.objects.get(pk=body["policy"]),
            reason="why",
            expires_on=add_months(timezone.localdate(), 1),
        )
        exceptions.append(
            services.exception_transition(
                actor=org.coe_lead, exception=exception, name="approve", comment="ok"
            )
        )
    PolicyException.objects.filter(pk=exceptions[1].pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    client = api_client(org.auditor)
    active = client.get("/api/exceptions/?active=true").json()["results"]
    assert [e["id"] for e in active] == [exceptions[0].pk]
    expired = client.get(f"/api/exceptions/{exceptions[1].pk}/").json()
    assert (expired["state"], expired["status"], expired["is_active"]) == (
        "approved",
        "expired",
        False,
    )
    assert api_client(org.sales_lead).get("/api/exceptions/").json()["results"] == []


def test_an_owner_name_with_a_nul_character_is_400_naming_the_field(org: Org) -> None:
    answer = api_client(org.coe_member).post(
        "/api/policies/",
        {"title": "Brand", "category": "brand", "body": "Text.", "owner": "coe\x00lead"},
        format="json",
    )
    assert answer.status_code == 400
    assert "owner" in answer.json()


def test_a_delegate_name_with_a_nul_character_is_400_naming_the_field(org: Org) -> None:
    answer = api_client(org.sponsor).post(
        "/api/delegations/",
        {"delegate": "coe\x00lead", "starts_on": "2030-01-01", "ends_on": "2030-01-02"},
        format="json",
    )
    assert answer.status_code == 400
    assert "delegate" in answer.json()
