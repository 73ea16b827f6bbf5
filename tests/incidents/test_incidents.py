"""Playbooks versioned like policies; incidents that call exactly the people
the playbook in force names at their severity, pause their accounts, keep a
timeline and close with a review."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_fsm import TransitionNotAllowed

from governance import audit
from governance.errors import Conflict
from governance.models import AuditEvent
from inbox.models import Notification
from incidents import selectors, services, sources
from incidents.models import Incident, Playbook, PlaybookVersion
from social_accounts.models import SocialAccount
from tests.conftest import api_client, signed_in

from .conftest import publish


def _called(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        incident = services.incident_declare(**kwargs)
    return incident, set(
        Notification.objects.filter(event=services.CALLED).values_list(
            "recipient__username", flat=True
        )
    )


# Playbooks


def test_publishing_freezes_a_version_in_force(crisis) -> None:
    playbook = Playbook.objects.get()
    version = PlaybookVersion.objects.get()
    assert (playbook.state, playbook.version, version.version) == ("published", 1, 1)
    assert selectors.version_in_force(playbook=playbook) == version
    assert {c["severity"] for c in version.contacts} == {"low", "high", "critical"}


def test_a_new_version_is_drafted_reviewed_and_compared(crisis) -> None:
    playbook = Playbook.objects.get()
    services.playbook_transition(actor=crisis.coe_member, playbook=playbook, name="revise")
    services.playbook_update(
        actor=crisis.coe_member, playbook=playbook, body="1. Pause every post.\n"
    )
    services.playbook_transition(actor=crisis.coe_member, playbook=playbook, name="submit")
    services.playbook_transition(actor=crisis.coe_lead, playbook=playbook, name="publish")
    older, newer = PlaybookVersion.objects.order_by("version")
    diff = selectors.playbook_diff(older=older, newer=newer)
    assert ("insert", "every post.") in [(op, text.strip()) for op, text in diff["words"]]
    assert selectors.version_in_force(playbook=playbook) == newer
    page = signed_in(crisis.coe_member).get(f"/incidents/playbooks/{playbook.pk}/diff/?from=1&to=2")
    assert "<ins>" in page.content.decode()


def test_a_published_playbook_is_not_edited_in_place(crisis) -> None:
    with pytest.raises(Conflict):
        services.playbook_update(
            actor=crisis.coe_member, playbook=Playbook.objects.get(), body="changed"
        )


def test_unit_staff_may_not_draft_playbooks(crisis) -> None:
    with pytest.raises(PermissionDenied):
        services.playbook_create(actor=crisis.marketing_lead, title="Mine")


def test_a_coe_member_may_not_publish(crisis) -> None:
    playbook = services.playbook_create(actor=crisis.coe_member, title="Draft", body="x")
    services.playbook_transition(actor=crisis.coe_member, playbook=playbook, name="submit")
    with pytest.raises(PermissionDenied):
        services.playbook_transition(actor=crisis.coe_member, playbook=playbook, name="publish")


def test_playbook_events_are_audited(crisis) -> None:
    names = set(AuditEvent.objects.values_list("event", flat=True))
    assert {
        audit.Event.PLAYBOOK_CREATED,
        audit.Event.PLAYBOOK_SUBMITTED,
        audit.Event.PLAYBOOK_PUBLISHED,
    } <= names


# Incidents


@pytest.mark.parametrize(
    ("severity", "expected"),
    [
        ("low", {"marketing_lead"}),
        ("medium", set()),
        ("high", {"coe_lead", "duty", "duty_backup"}),
        ("critical", {"sponsor"}),
    ],
)
def test_an_incident_calls_exactly_the_people_named_for_its_severity(
    crisis, django_capture_on_commit_callbacks, severity, expected
) -> None:
    incident, called = _called(
        django_capture_on_commit_callbacks,
        actor=crisis.marketing_member,
        accounts=[crisis.account],
        severity=severity,
        title="Hacked post",
    )
    assert called == expected
    assert set(incident.responders.values_list("username", flat=True)) == expected
    assert incident.playbook_version == PlaybookVersion.objects.get()


def test_the_playbook_emails_its_contacts(
    crisis, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    crisis.duty.email = "duty@example.org"
    crisis.duty.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.incident_declare(
            actor=crisis.marketing_member, accounts=[crisis.account], severity="high", title="Leak"
        )
    assert "duty@example.org" in [to for m in mailoutbox for to in m.to]


def test_a_playbook_not_yet_in_effect_calls_nobody(org, django_capture_on_commit_callbacks) -> None:
    import datetime

    from django.utils import timezone

    from tests.conftest import make_user
    from tests.social_accounts.conftest import account_in

    org.people["duty"] = make_user("duty")
    org.people["duty_backup"] = make_user("duty_backup")
    playbook = services.playbook_create(
        actor=org.coe_member,
        title="Later",
        body="x",
        contacts=[{"severity": "low", "role": "", "person": org.marketing_lead, "backup": None}],
    )
    services.playbook_transition(actor=org.coe_member, playbook=playbook, name="submit")
    services.playbook_transition(
        actor=org.coe_lead,
        playbook=playbook,
        name="publish",
        effective_date=timezone.localdate() + datetime.timedelta(days=3),
    )
    incident, called = _called(
        django_capture_on_commit_callbacks,
        actor=org.marketing_member,
        accounts=[account_in(org, "active")],
        severity="low",
        title="Too early",
    )
    assert incident.playbook_version is None
    assert called == set()


def test_a_playbook_for_another_unit_does_not_apply(
    org, django_capture_on_commit_callbacks
) -> None:
    from tests.conftest import make_user
    from tests.social_accounts.conftest import account_in

    org.people["duty"] = make_user("duty")
    org.people["duty_backup"] = make_user("duty_backup")
    publish(org, business_units=[org.sales])
    incident, called = _called(
        django_capture_on_commit_callbacks,
        actor=org.marketing_member,
        accounts=[account_in(org, "active")],
        severity="low",
        title="Not theirs",
    )
    assert incident.playbook_version is None
    assert called == set()


def test_escalation_calls_the_next_levels_people(
    crisis, django_capture_on_commit_callbacks
) -> None:
    incident = services.incident_declare(
        actor=crisis.marketing_member, accounts=[crisis.account], severity="low", title="Trolls"
    )
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        services.incident_escalate(
            actor=crisis.marketing_lead,
            incident=incident,
            severity="high",
            text="Press picked it up",
        )
    new = Notification.objects.order_by("id")[before:]
    assert {n.recipient.username for n in new if n.event == services.CALLED} == {
        "coe_lead",
        "duty",
        "duty_backup",
    }
    incident.refresh_from_db()
    assert incident.severity == "high"
    with pytest.raises(ValidationError):
        services.incident_escalate(actor=crisis.marketing_lead, incident=incident, severity="low")


def test_declared_accounts_are_paused_until_closed(crisis) -> None:
    incident = services.incident_declare(
        actor=crisis.marketing_member, accounts=[crisis.account], severity="low", title="Spam"
    )
    crisis.account.refresh_from_db()
    assert crisis.account.paused
    page = signed_in(crisis.marketing_member).get("/social-accounts/").content.decode()
    assert "Paused" in page
    services.incident_close(actor=crisis.coe_lead, incident=incident, review="Removed the spam.")
    crisis.account.refresh_from_db()
    assert not crisis.account.paused


def test_an_account_stays_paused_while_another_incident_is_open(crisis) -> None:
    first = services.incident_declare(
        actor=crisis.marketing_member, accounts=[crisis.account], severity="low", title="One"
    )
    services.incident_declare(
        actor=crisis.marketing_member, accounts=[crisis.account], severity="low", title="Two"
    )
    services.incident_close(actor=crisis.coe_lead, incident=first, review="Done.")
    crisis.account.refresh_from_db()
    assert crisis.account.paused


def test_timeline_holds_updates_escalations_decisions_and_review(crisis) -> None:
    incident = services.incident_declare(
        actor=crisis.marketing_member, accounts=[crisis.account], severity="low", title="Spam"
    )
    services.incident_post(
        actor=crisis.marketing_lead, incident=incident, kind="update", text="Seen"
    )
    services.incident_escalate(actor=crisis.marketing_lead, incident=incident, severity="high")
    services.incident_post(actor=crisis.duty, incident=incident, kind="decision", text="Pause all")
    services.incident_close(actor=crisis.coe_lead, incident=incident, review="Handled.")
    assert list(incident.entries.values_list("kind", flat=True)) == [
        "declared",
        "update",
        "escalation",
        "decision",
        "review",
    ]
    events = list(
        AuditEvent.objects.filter(object_type="incidents.incident").values_list("event", flat=True)
    )
    assert events == [
        audit.Event.INCIDENT_DECLARED,
        audit.Event.INCIDENT_UPDATE_POSTED,
        audit.Event.INCIDENT_ESCALATED,
        audit.Event.INCIDENT_DECISION_RECORDED,
        audit.Event.INCIDENT_CLOSED,
    ]


def test_closing_needs_a_review_and_happens_once(crisis) -> None:
    incident = services.incident_declare(
        actor=crisis.marketing_member, accounts=[crisis.account], severity="low", title="Spam"
    )
    with pytest.raises(ValidationError):
        services.incident_close(actor=crisis.coe_lead, incident=incident, review=" ")
    services.incident_close(actor=crisis.coe_lead, incident=incident, review="ok")
    with pytest.raises(TransitionNotAllowed):
        services.incident_close(actor=crisis.coe_lead, incident=incident, review="again")
    with pytest.raises(Conflict):
        services.incident_post(actor=crisis.coe_lead, incident=incident, kind="update", text="x")


def test_a_member_may_not_close(crisis) -> None:
    incident = services.incident_declare(
        actor=crisis.marketing_member, accounts=[crisis.account], severity="low", title="Spam"
    )
    with pytest.raises(PermissionDenied):
        services.incident_close(actor=crisis.marketing_member, incident=incident, review="x")


def test_outsiders_may_not_declare_on_a_units_accounts(crisis) -> None:
    with pytest.raises(PermissionDenied):
        services.incident_declare(
            actor=crisis.sales_lead, accounts=[crisis.account], severity="low", title="Not mine"
        )


def test_declaring_without_accounts_names_the_field(crisis) -> None:
    with pytest.raises(ValidationError) as error:
        services.incident_declare(
            actor=crisis.marketing_member, accounts=[], severity="low", title="x"
        )
    assert "accounts" in error.value.message_dict


def test_responders_see_the_incident_in_their_inbox(crisis) -> None:
    incident = services.incident_declare(
        actor=crisis.marketing_member, accounts=[crisis.account], severity="high", title="Leak"
    )
    assert [r["object_id"] for r in sources.incidents_to_respond(user=crisis.duty)] == [incident.pk]
    assert not sources.incidents_to_respond(user=crisis.marketing_lead).exists()
    assert "Respond to the incident" in signed_in(crisis.duty).get("/inbox/").content.decode()
    services.incident_close(actor=crisis.coe_lead, incident=incident, review="ok")
    assert not sources.incidents_to_respond(user=crisis.duty).exists()


# Pages and API


def test_outsider_gets_404_on_an_incident(crisis) -> None:
    incident = services.incident_declare(
        actor=crisis.marketing_member, accounts=[crisis.account], severity="low", title="Spam"
    )
    assert signed_in(crisis.outsider).get(f"/incidents/{incident.pk}/").status_code == 404
    assert api_client(crisis.outsider).get(f"/api/incidents/{incident.pk}/").status_code == 404


def test_api_declare_and_close(crisis) -> None:
    response = api_client(crisis.marketing_member).post(
        "/api/incidents/",
        {"title": "Spam", "severity": "high", "accounts": [crisis.account.pk]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert set(response.json()["responders"]) == {"coe_lead", "duty", "duty_backup"}
    assert (
        api_client(crisis.marketing_member)
        .post(f"/api/incidents/{pk}/close/", {"review": "x"}, format="json")
        .status_code
        == 403
    )
    assert (
        api_client(crisis.coe_lead)
        .post(f"/api/incidents/{pk}/close/", {}, format="json")
        .status_code
        == 400
    )
    assert (
        api_client(crisis.coe_lead)
        .post(f"/api/incidents/{pk}/close/", {"review": "Handled"}, format="json")
        .status_code
        == 200
    )
    assert (
        api_client(crisis.coe_lead)
        .post(f"/api/incidents/{pk}/close/", {"review": "Again"}, format="json")
        .status_code
        == 409
    )


def _many(crisis, count: int) -> None:
    account = crisis.account
    incidents = Incident.objects.bulk_create(
        Incident(
            title=f"Incident {n}",
            severity="low",
            business_unit=crisis.marketing,
            declared_by=crisis.marketing_member,
        )
        for n in range(count)
    )
    Incident.accounts.through.objects.bulk_create(
        Incident.accounts.through(incident_id=i.pk, socialaccount_id=account.pk) for i in incidents
    )


@pytest.mark.parametrize("url", ["/incidents/", "/api/incidents/"])
def test_incident_list_costs_the_same_for_10_and_1000(crisis, url) -> None:
    client = signed_in(crisis.coe_lead) if url == "/incidents/" else api_client(crisis.coe_lead)
    _many(crisis, 10)
    # Each size measured with the header's counts cached.
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _many(crisis, 990)
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_registry_shows_paused_accounts_for_a_thousand_without_more_queries(crisis) -> None:
    SocialAccount.objects.filter(pk=crisis.account.pk).update(paused=True)
    client = signed_in(crisis.coe_lead)
    with CaptureQueriesContext(connection) as queries:
        client.get("/social-accounts/")
    assert "Paused" in client.get("/social-accounts/").content.decode()
    assert len(queries) < 30


def test_api_outsider_cannot_probe_accounts_they_do_not_see(crisis) -> None:
    response = api_client(crisis.outsider).post(
        "/api/incidents/",
        {"title": "Probe", "severity": "low", "accounts": [crisis.account.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert "accounts" in response.json()


def test_api_playbook_drafted_and_published(crisis) -> None:
    body = {
        "title": "Outage",
        "body": "1. Post the status page link.",
        "contacts_input": [{"severity": "medium", "role": "unit_lead", "backup": "duty"}],
    }
    assert (
        api_client(crisis.marketing_lead).post("/api/playbooks/", body, format="json").status_code
        == 403
    )
    response = api_client(crisis.coe_member).post("/api/playbooks/", body, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["contacts"] == [
        {"severity": "medium", "role": "unit_lead", "person": None, "backup": "duty"}
    ]
    client = api_client(crisis.coe_member)
    assert client.post(f"/api/playbooks/{pk}/transitions/submit/").status_code == 200
    assert client.post(f"/api/playbooks/{pk}/transitions/publish/").status_code == 403
    response = api_client(crisis.coe_lead).post(f"/api/playbooks/{pk}/transitions/publish/")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["version"]) == ("published", 1)
    assert (
        api_client(crisis.coe_lead).post(f"/api/playbooks/{pk}/transitions/publish/").status_code
        == 409
    )
