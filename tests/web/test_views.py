"""The server-rendered pages: sign-in, each role's home, the initiative pages,
the audit log, and the answers to what a user may not do."""

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from governance.models import AuditEvent
from initiatives import services as initiatives_services
from initiatives.models import Decision, Initiative
from tests.conftest import Org, bring_to, propose, signed_in


def transition_url(initiative: Initiative, name: str) -> str:
    return reverse("initiatives:transition", args=[initiative.pk, name])


def detail_url(initiative: Initiative) -> str:
    return reverse("initiatives:detail", args=[initiative.pk])


@pytest.mark.parametrize(
    "path",
    ["/", "/initiatives/", "/initiatives/new/", "/initiatives/1/", "/audit/", "/audit/export.csv"],
)
def test_every_page_requires_sign_in(org: Org, client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_sign_in_with_a_wrong_password_shows_a_message(org: Org, client: Client) -> None:
    response = client.post("/login/", {"login": "coe_lead", "password": "wrong"})
    assert response.status_code == 200
    assert "username and/or password you specified are not correct" in response.content.decode()


def test_sign_in_lands_on_the_home_page(org: Org, client: Client) -> None:
    response = client.post("/login/", {"login": "coe_lead", "password": "pw"}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Review queue" in response.content.decode()


def test_sign_out_needs_a_post_and_ends_the_session(org: Org) -> None:
    client = signed_in(org.coe_lead)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("persona", "heading"),
    [
        ("coe_lead", "Review queue"),
        ("coe_member", "Review queue"),
        ("sponsor", "Awaiting your sign-off"),
        ("marketing_lead", "Your unit&#x27;s initiatives"),
        ("auditor", "Open the audit log"),
    ],
)
def test_each_role_sees_its_home_panel(org: Org, persona: str, heading: str) -> None:
    assert heading in signed_in(org.people[persona]).get("/").content.decode()


def test_review_queue_lists_submitted_and_in_review_oldest_first(org: Org) -> None:
    first = bring_to(org, "submitted", title="First in")
    second = bring_to(org, "in_review", title="Second in")
    bring_to(org, "draft", title="Still a draft")
    body = signed_in(org.coe_lead).get("/").content.decode()
    queue = body.split('id="panel-review_queue"')[1]
    assert queue.index(first.title) < queue.index(second.title)
    assert "Still a draft" not in queue


def test_review_queue_marks_an_initiative_overdue_after_five_business_days(org: Org) -> None:
    import datetime

    waiting = bring_to(org, "submitted", title="Long waiting")
    # Monday two weeks ago: ten business days.
    today = datetime.date.today()
    monday = today - datetime.timedelta(days=today.weekday() + 14)
    at = datetime.datetime.combine(monday, datetime.time(12), tzinfo=datetime.UTC)
    Decision.objects.filter(initiative=waiting, transition="submit").update(at=at)
    initiatives_services.initiative_waits_refresh()
    bring_to(org, "submitted", title="Fresh")
    body = signed_in(org.coe_lead).get("/").content.decode()
    rows = body.split("<tr>")
    overdue = [row for row in rows if "badge-overdue" in row]
    assert len(overdue) == 1
    assert "Long waiting" in overdue[0]


def test_sponsor_home_lists_what_awaits_their_signoff_only(org: Org) -> None:
    mine = bring_to(org, "awaiting_sponsor", title="Needs the marketing sponsor")
    bring_to(org, "awaiting_sponsor", unit="sales", title="Needs the sales sponsor")
    body = signed_in(org.sponsor).get("/").content.decode()
    assert mine.title in body
    assert "Needs the sales sponsor" not in body


def test_unit_lead_creates_a_draft_through_the_form(org: Org) -> None:
    client = signed_in(org.marketing_lead)
    response = client.post(
        "/initiatives/new/",
        {
            "business_unit": org.marketing.pk,
            "title": "Webinars",
            "summary": "Monthly webinars.",
            "goals": [org.goal.pk],
            "audiences": ["customers"],
            "channels": "LinkedIn, YouTube",
            "budget": "1500",
            "risk": "low",
        },
    )
    initiative = Initiative.objects.get(title="Webinars")
    assert response.status_code == 302
    assert response["Location"] == detail_url(initiative)
    assert initiative.owner == org.marketing_lead
    assert initiative.channels == ["LinkedIn", "YouTube"]
    assert AuditEvent.objects.filter(event="initiative.created", object_id=initiative.pk).exists()


def test_create_form_shows_errors_inline(org: Org) -> None:
    response = signed_in(org.marketing_lead).post(
        "/initiatives/new/",
        {
            "business_unit": org.marketing.pk,
            "title": "",
            "budget": "-1",
            "risk": "low",
            "start_date": "2027-02-01",
            "end_date": "2027-01-01",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in body
    assert "The end date is before the start date." in body
    assert 'aria-invalid="true"' in body
    assert not Initiative.objects.exists()


def test_a_user_who_may_not_propose_gets_403_on_the_create_form(org: Org) -> None:
    assert signed_in(org.auditor).get("/initiatives/new/").status_code == 403


def test_a_member_cannot_create_in_a_unit_they_do_not_belong_to(org: Org) -> None:
    response = signed_in(org.marketing_lead).post(
        "/initiatives/new/",
        {"business_unit": org.sales.pk, "title": "X", "budget": "0", "risk": "low"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Initiative.objects.exists()


def test_edit_form_saves_changes_and_the_history_shows_them(org: Org) -> None:
    initiative = propose(org, by="marketing_lead")
    client = signed_in(org.marketing_lead)
    form = client.get(reverse("initiatives:edit", args=[initiative.pk]))
    assert 'value="Spring campaign"' in form.content.decode()
    response = client.post(
        reverse("initiatives:edit", args=[initiative.pk]),
        {
            "title": "Summer campaign",
            "summary": "Reach new customers.",
            "goals": [org.goal.pk],
            "audiences": ["customers"],
            "budget": "2000",
            "risk": "medium",
        },
    )
    assert response.status_code == 302
    body = client.get(detail_url(initiative)).content.decode()
    assert "Summer campaign" in body
    assert "<del>Spring campaign</del>" in body
    assert "<ins>Medium</ins>" in body


def test_editing_a_submitted_initiative_says_why_not(org: Org) -> None:
    initiative = bring_to(org, "submitted")
    client = signed_in(org.marketing_member)
    response = client.get(reverse("initiatives:edit", args=[initiative.pk]), follow=True)
    assert "cannot be edited" in response.content.decode()


def test_outsider_gets_404_for_an_initiative(org: Org) -> None:
    initiative = propose(org)
    client = signed_in(org.outsider)
    assert client.get(detail_url(initiative)).status_code == 404
    assert client.post(transition_url(initiative, "submit")).status_code == 404
    assert client.get(reverse("initiatives:edit", args=[initiative.pk])).status_code == 404


def test_detail_shows_only_the_transitions_the_user_may_take(org: Org) -> None:
    initiative = bring_to(org, "in_review")
    lead_page = signed_in(org.coe_lead).get(detail_url(initiative)).content.decode()
    unit_page = signed_in(org.marketing_lead).get(detail_url(initiative)).content.decode()
    assert transition_url(initiative, "approve") in lead_page
    assert transition_url(initiative, "reject") in lead_page
    assert transition_url(initiative, "approve") not in unit_page
    assert "There is nothing for you to do" in unit_page


def test_unit_lead_forging_an_approval_gets_403(org: Org) -> None:
    initiative = bring_to(org, "in_review")
    response = signed_in(org.marketing_lead).post(transition_url(initiative, "approve"))
    assert response.status_code == 403
    initiative.refresh_from_db()
    assert initiative.state == "in_review"


def test_an_unknown_transition_is_404(org: Org) -> None:
    initiative = bring_to(org, "in_review")
    assert signed_in(org.coe_lead).post(transition_url(initiative, "explode")).status_code == 404


def test_transitions_refuse_get(org: Org) -> None:
    initiative = bring_to(org, "in_review")
    assert signed_in(org.coe_lead).get(transition_url(initiative, "approve")).status_code == 405


def test_a_transition_without_the_csrf_token_is_refused(org: Org) -> None:
    initiative = bring_to(org, "submitted")
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.coe_member)
    assert client.post(transition_url(initiative, "start_review")).status_code == 403
    initiative.refresh_from_db()
    assert initiative.state == "submitted"


def test_a_transition_in_the_page_leaves_the_same_records_as_the_api(org: Org) -> None:
    initiative = bring_to(org, "submitted")
    response = signed_in(org.coe_member).post(transition_url(initiative, "start_review"))
    assert response.status_code == 302
    decision = Decision.objects.get(initiative=initiative, transition="start_review")
    assert (decision.source, decision.target, decision.actor) == (
        "submitted",
        "in_review",
        org.coe_member,
    )
    event = AuditEvent.objects.get(event="initiative.review_started", object_id=initiative.pk)
    assert (event.old, event.new, event.actor) == (
        {"state": "submitted"},
        {"state": "in_review"},
        org.coe_member,
    )


def test_a_required_comment_missing_is_a_message_not_an_error_page(org: Org) -> None:
    initiative = bring_to(org, "in_review")
    response = signed_in(org.coe_member).post(
        transition_url(initiative, "request_changes"), follow=True
    )
    assert response.status_code == 200
    assert "A comment is required for this decision." in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.state == "in_review"


def test_rejecting_needs_a_confirmation(org: Org) -> None:
    initiative = bring_to(org, "in_review")
    client = signed_in(org.coe_lead)
    body = client.post(
        transition_url(initiative, "reject"), {"comment": "No."}, follow=True
    ).content.decode()
    assert "Tick the box to confirm." in body
    initiative.refresh_from_db()
    assert initiative.state == "in_review"
    client.post(transition_url(initiative, "reject"), {"comment": "No.", "confirm": "on"})
    initiative.refresh_from_db()
    assert initiative.state == "rejected"


def test_a_transition_someone_else_took_first_is_a_message(org: Org) -> None:
    initiative = bring_to(org, "submitted")
    first, second = signed_in(org.coe_member), signed_in(org.coe_lead)
    first.post(transition_url(initiative, "start_review"))
    response = second.post(transition_url(initiative, "start_review"), follow=True)
    assert response.status_code == 200
    assert "no longer possible" in response.content.decode()


def test_a_submit_with_missing_content_names_what_is_missing(org: Org) -> None:
    initiative = propose(org, summary="", goals=[])
    response = signed_in(org.marketing_member).post(
        transition_url(initiative, "submit"), follow=True
    )
    body = response.content.decode()
    assert "A summary is required to submit." in body
    assert "At least one strategic goal is required to submit." in body


def test_htmx_transition_returns_the_updated_page_body(org: Org) -> None:
    initiative = bring_to(org, "submitted")
    response = signed_in(org.coe_member).post(
        transition_url(initiative, "start_review"), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="initiative-body">')
    assert "Review started; the CoE is now reviewing it." in body
    assert "<html" not in body


def test_detail_shows_the_lifecycle_with_the_current_state_highlighted(org: Org) -> None:
    initiative = bring_to(org, "in_review")
    body = signed_in(org.coe_lead).get(detail_url(initiative)).content.decode()
    current = re.findall(r'<g class="node node-current">.*?<text[^>]*>([^<]+)</text>', body, re.S)
    # Drawn twice: left to right, and top to bottom for narrow screens.
    assert current == ["In review", "In review"]
    assert body.count('class="node') == 24


def test_detail_shows_the_decision_timeline(org: Org) -> None:
    initiative = bring_to(org, "changes_requested")
    body = signed_in(org.auditor).get(detail_url(initiative)).content.decode()
    assert (
        body.index("Submit for review") < body.index("Start review") < body.index("Request changes")
    )
    assert "<blockquote>noted</blockquote>" in body


def test_list_filters_by_state_unit_goal_and_text(org: Org) -> None:
    bring_to(org, "submitted", title="Alpha launch")
    bring_to(org, "draft", title="Beta draft")
    bring_to(org, "draft", unit="sales", title="Gamma sales")
    client = signed_in(org.coe_lead)

    def titles(query: str) -> set[str]:
        body = client.get("/initiatives/?" + query).content.decode()
        return {t for t in ("Alpha launch", "Beta draft", "Gamma sales") if t in body}

    assert titles("") == {"Alpha launch", "Beta draft", "Gamma sales"}
    assert titles("state=submitted") == {"Alpha launch"}
    assert titles(f"business_unit={org.sales.pk}") == {"Gamma sales"}
    assert titles(f"goal={org.goal.pk}&q=beta") == {"Beta draft"}
    assert titles(f"goal={org.inactive_goal.pk}") == set()


def test_list_sorts_by_budget_and_title(org: Org) -> None:
    propose(org, title="Cheap", budget=10)
    propose(org, title="Dear", budget=90000)
    propose(org, title="Average", budget=500)
    client = signed_in(org.coe_lead)

    def order(sort: str) -> list[str]:
        body = client.get(f"/initiatives/?sort={sort}").content.decode()
        return sorted(("Cheap", "Dear", "Average"), key=body.index)

    assert order("budget") == ["Dear", "Average", "Cheap"]
    assert order("title") == ["Average", "Cheap", "Dear"]


def test_list_sorts_by_priority_score_and_shows_it(org: Org) -> None:
    # With the default weights, a cheap low-risk aligned initiative outranks a
    # dear high-risk one that serves only an inactive goal.
    propose(org, title="Middling", budget=20000, risk="medium")
    propose(org, title="Best", budget=10, risk="low")
    propose(org, title="Worst", budget=90000, risk="high", goals=[org.inactive_goal])
    body = signed_in(org.coe_lead).get("/initiatives/?sort=score").content.decode()
    assert sorted(("Middling", "Best", "Worst"), key=body.index) == ["Best", "Middling", "Worst"]
    scores = re.findall(r'data-label="Score">([^<]*)</td>', body)
    assert len(scores) == 3
    assert [float(s) for s in scores] == sorted((float(s) for s in scores), reverse=True)


def test_list_paginates(org: Org) -> None:
    for n in range(27):
        propose(org, title=f"Initiative {n:02d}")
    client = signed_in(org.coe_lead)
    first = client.get("/initiatives/?sort=title").content.decode()
    second = client.get("/initiatives/?sort=title&page=2").content.decode()
    assert "Initiative 00" in first
    assert "Initiative 25" not in first
    assert "Initiative 25" in second
    assert "Page 2 of 2" in second


def test_list_shows_only_what_the_user_may_see(org: Org) -> None:
    bring_to(org, "draft", unit="sales", title="Sales only")
    assert "Sales only" not in signed_in(org.marketing_lead).get("/initiatives/").content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("auditor", 200),
        ("coe_lead", 200),
        ("coe_member", 403),
        ("marketing_lead", 403),
        ("sponsor", 403),
    ],
)
def test_audit_log_is_for_auditors_and_the_coe_lead(org: Org, persona: str, status: int) -> None:
    client = signed_in(org.people[persona])
    assert client.get("/audit/").status_code == status
    assert client.get("/audit/export.csv").status_code == status


def test_audit_log_filters_by_event_and_actor(org: Org) -> None:
    bring_to(org, "in_review")
    client = signed_in(org.auditor)
    body = client.get("/audit/?event=initiative.review_started&actor=coe_member").content.decode()
    assert "1 event" in body
    body = client.get("/audit/?event=initiative.review_started&actor=nobody").content.decode()
    assert "0 events" in body


def test_audit_export_streams_csv_with_the_filter_applied(org: Org) -> None:
    bring_to(org, "in_review")
    response = signed_in(org.auditor).get("/audit/export.csv?object_type=initiatives.initiative")
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("seq,id,at,event,actor,object_type")
    assert len(lines) - 1 == AuditEvent.objects.filter(object_type="initiatives.initiative").count()
    assert any("initiative.review_started" in line for line in lines)


def test_staff_reach_the_admin_with_history_and_object_permissions(org: Org) -> None:
    initiative = propose(org)
    client = signed_in(org.admin)
    assert client.get(f"/admin/initiatives/initiative/{initiative.pk}/history/").status_code == 200
    assert (
        client.get(f"/admin/governance/businessunit/{org.marketing.pk}/permissions/").status_code
        == 200
    )


def test_object_permissions_cannot_be_changed_past_the_role_table(org: Org) -> None:
    client = signed_in(org.admin)
    url = reverse(
        "admin:governance_businessunit_permissions_manage_user",
        args=[org.marketing.pk, org.outsider.pk],
    )
    assert client.get(url).status_code == 200
    assert client.post(url, {"permissions": ["view_unit_initiatives"]}).status_code == 403


def test_language_switch_shows_the_german_interface(org: Org) -> None:
    client = signed_in(org.coe_lead)
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    body = client.get("/").content.decode()
    assert 'lang="de"' in body
    assert "Prüfwarteschlange" in body


def test_italian_formats_numbers_and_translates_states(org: Org) -> None:
    initiative = propose(org, budget=Decimal("1234567.5"))
    client = signed_in(org.coe_lead)
    client.post("/i18n/setlang/", {"language": "it", "next": "/"})
    body = client.get(detail_url(initiative)).content.decode()
    assert "1.234.567,50" in body
    assert "Bozza" in body


def test_the_compiled_catalogs_hold_every_translation() -> None:
    """Translations are committed compiled, so CI needs no gettext: a .po edited
    without running compilemessages fails here."""
    import gettext
    from pathlib import Path

    from django.conf import settings

    for language in ("de", "it"):
        folder = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES"
        po = (folder / "django.po").read_text(encoding="utf-8")
        entries = [
            e for e in po.split("\n\n") if "msgid " in e and 'msgid ""\nmsgstr ""\n"' not in e
        ]
        untranslated = [
            e for e in entries if re.search(r'^msgstr(\[\d\])? ""(?:\Z|\n(?!"))', e, re.M)
        ]
        assert untranslated == [], f"{language}: untranslated {untranslated}"
        with (folder / "django.mo").open("rb") as mo:
            catalog = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
        msgids = {key if isinstance(key, str) else key[0] for key in catalog} - {""}
        assert len(msgids) == len(entries), f"{language}: recompile the messages"


def test_htmx_filtering_returns_only_the_results(org: Org) -> None:
    bring_to(org, "submitted", title="Alpha launch")
    response = signed_in(org.coe_lead).get(
        "/initiatives/?state=submitted", headers={"HX-Request": "true", "HX-Target": "results"}
    )
    body = response.content.decode()
    assert "Alpha launch" in body
    assert "<html" not in body


def test_audit_log_filters_by_date_range(org: Org) -> None:
    import datetime

    client = signed_in(org.auditor)
    today = datetime.date.today()
    tomorrow = today + datetime.timedelta(days=1)
    everything = AuditEvent.objects.count()
    assert f"{everything} events" in client.get(f"/audit/?since={today}").content.decode()
    assert "0 events" in client.get(f"/audit/?since={tomorrow}").content.decode()
    body = client.get(f"/audit/?since={tomorrow}&until={today}").content.decode()
    assert "The end of the range is before its start." in body


def test_navigation_shows_the_audit_log_only_to_those_who_may_read_it(org: Org) -> None:
    assert 'href="/audit/"' in signed_in(org.auditor).get("/initiatives/").content.decode()
    assert 'href="/audit/"' not in signed_in(org.sponsor).get("/initiatives/").content.decode()


def menu(client: Client, path: str) -> list[tuple[str, str, bool]]:
    """The main menu's entries on a page: address, label, whether marked current."""
    page = client.get(path).content.decode()
    found = re.search(r'<nav class="main-nav"[^>]*>\s*<ul>(.*?)</ul>', page, re.S)
    assert found, "the page has no main menu"
    return [
        (href, label, bool(current))
        for href, current, label in re.findall(
            r'<li><a href="([^"]*)"( aria-current="page")?>([^<]*)</a></li>', found.group(1)
        )
    ]


def test_the_menu_marks_the_page_shown_in_the_readers_language_and_entries(org: Org) -> None:
    auditor = signed_in(org.auditor)
    on_audit = menu(auditor, "/audit/")
    assert [entry for entry in on_audit if entry[2]] == [("/audit/", "Audit log", True)]
    on_list = menu(auditor, "/initiatives/")
    assert [entry for entry in on_list if entry[2]] == [("/initiatives/", "Initiatives", True)]
    # The same entries on both pages; only the mark moved.
    assert [entry[:2] for entry in on_audit] == [entry[:2] for entry in on_list]

    auditor.post("/i18n/setlang/", {"language": "de", "next": "/"})
    german = menu(auditor, "/audit/")
    assert [entry[0] for entry in german] == [entry[0] for entry in on_audit]
    assert ("/audit/", "Audit-Protokoll", True) in german

    # Another reader, other entries: the sponsor's menu has no audit log.
    sponsor = [entry[0] for entry in menu(signed_in(org.sponsor), "/initiatives/")]
    assert "/audit/" not in sponsor
    assert "/initiatives/" in sponsor


@pytest.mark.parametrize(
    ("state", "name", "persona"),
    [
        ("submitted", "start_review", "coe_member"),
        ("in_review", "approve", "coe_lead"),
        ("awaiting_sponsor", "sponsor_approve", "sponsor"),
    ],
)
def test_page_and_api_leave_identical_records(
    org: Org, api: Any, state: str, name: str, persona: str
) -> None:
    by_page, by_api = bring_to(org, state), bring_to(org, state)
    actor = org.people[persona]
    signed_in(actor).post(transition_url(by_page, name), {"comment": "ok"})
    api(actor).post(f"/api/initiatives/{by_api.pk}/transitions/{name}/", {"comment": "ok"})

    def trail(initiative: Initiative) -> tuple[Any, ...]:
        decision = Decision.objects.filter(initiative=initiative).latest("id")
        event = AuditEvent.objects.filter(
            object_type="initiatives.initiative", object_id=initiative.pk
        ).latest("id")
        return (
            decision.transition,
            decision.source,
            decision.target,
            decision.actor_id,
            decision.comment,
            event.event,
            event.actor_id,
            event.old,
            event.new,
            event.comment,
        )

    assert trail(by_page) == trail(by_api)
    assert trail(by_page)[0] == name


def test_history_shows_the_creation_and_goal_changes_by_name(org: Org) -> None:
    from governance import services as org_services

    second = org_services.goal_create(actor=org.admin, title="Attract talent")
    initiative = propose(org, by="marketing_lead", title="Careers week")
    client = signed_in(org.marketing_lead)
    client.post(
        reverse("initiatives:edit", args=[initiative.pk]),
        {
            "title": "Careers week",
            "summary": "Reach new customers.",
            "goals": [second.pk],
            "audiences": ["customers"],
            "budget": "1000",
            "risk": "low",
        },
    )
    body = client.get(detail_url(initiative)).content.decode()
    history = body.split('class="history"')[1]
    assert "<del>Grow brand awareness</del>" in history
    assert "<ins>Attract talent</ins>" in history
    created = history.split("<strong>Created</strong>")[1]
    assert "<ins>Careers week</ins>" in created
    assert "<ins>€1,000.00</ins>" in created


def test_sponsor_sees_how_long_an_item_has_waited_since_the_coe_approved_it(org: Org) -> None:
    import datetime

    initiative = bring_to(org, "awaiting_sponsor", title="Signed off soon")
    now = datetime.datetime.now(tz=datetime.UTC)
    Decision.objects.filter(initiative=initiative, transition="submit").update(
        at=now - datetime.timedelta(days=10)
    )
    Decision.objects.filter(initiative=initiative, transition="approve").update(
        at=now - datetime.timedelta(days=3)
    )
    initiatives_services.initiative_waits_refresh()
    body = signed_in(org.sponsor).get("/").content.decode()
    panel = body.split('id="panel-awaiting_signoff"')[1]
    assert "3 days" in panel
    assert "badge-overdue" not in panel
