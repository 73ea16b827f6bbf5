"""Every role's whole job in the browser alone, as issue 14 asks: after the
starting data (built with the services), each act of the role under test is a
click or a keystroke in Chromium; what other roles do in between is set up
with the services, as the story needs.

Each journey runs twice: in English at 1280 px, and in German at 375 px with
the browser asking for German. Labels are looked up in the project's own
catalogs, and a German label that is still English fails the run, so an
untranslated button or message is a failure, not a pass. Every page visited
gets the axe-core check (no serious or critical violation) and must fit the
width without scrolling sideways."""

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from discussion import services as discussion
from discussion.models import Attachment, Comment
from governance import audit_verify
from governance.models import AuditEvent
from initiatives import services as workflow
from initiatives.models import Decision, Initiative
from policies import services as policy_services
from policies.models import Acknowledgment, Policy, PolicyException, PolicyVersion
from sponsors import services as sponsor_services
from tests.browser import (
    AXE,
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    add_kpi,
    watch_content_security_policy,
)
from tests.conftest import Org, bring_to, propose
from tests.discussion.conftest import PDF
from tests.policies.conftest import policy_in

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass(frozen=True)
class Variant:
    """One run of a journey: the language the browser asks for and the width."""

    language: str
    locale: str
    size: dict[str, int]

    def t(self, text: str, **values: Any) -> str:
        """`text` as the page shows it in this run's language; fails for a
        string the German catalog leaves in English."""
        with translation.override(self.language):
            shown = translation.gettext(text)
        if self.language != "en" and text not in SAME_IN.get(self.language, ()):
            assert shown != text, f"“{text}” has no {self.language} translation"
        return shown % values if values else shown


# Words German writes as English does.
SAME_IN = {"de": {"Budget"}}

VARIANTS = [
    pytest.param(Variant("en", "en-US", DESKTOP), id="en-1280"),
    pytest.param(Variant("de", "de-DE", PHONE), id="de-375"),
]


@pytest.fixture(params=VARIANTS)
def v(request: pytest.FixtureRequest) -> Variant:
    variant: Variant = request.param
    return variant


@pytest.fixture
def visit(browser: Browser, live_server: Any, v: Variant) -> Iterator[Callable[[str], Page]]:
    """`visit(username)`: a page of that user, signed in through the sign-in
    form, at the run's width and in its language."""
    contexts: list[BrowserContext] = []
    blocked: list[str] = []

    def open_as(username: str) -> Page:
        context = browser.new_context(base_url=live_server.url, viewport=v.size, locale=v.locale)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        watch_content_security_policy(page, blocked)
        page.goto("/login/")
        page.get_by_label(v.t("Username")).fill(username)
        page.get_by_label(v.t("Password")).fill("pw")
        page.get_by_role("button", name=v.t("Sign in"), exact=True).click()
        expect(page.get_by_role("button", name=v.t("Sign out"))).to_be_visible()
        return page

    yield open_as
    for context in contexts:
        context.close()
    assert blocked == [], f"The Content-Security-Policy blocked: {blocked}"


def check(page: Page, v: Variant, name: str = "") -> None:
    """The page is in the run's language, fits its width, and axe-core finds
    no serious or critical violation; with a name, a screenshot."""
    expect(page.locator("html")).to_have_attribute("lang", v.language)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= v.size["width"], f"{page.url} is {width} px wide at {v.size['width']} px"
    violations = AXE.run(page).response["violations"]
    bad = [
        f"{x['id']} ({x['impact']}): {x['help']} at {[n['target'] for n in x['nodes']][:3]}"
        for x in violations
        if x["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{page.url} at {v.size['width']} px: {bad}"
    if name:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"journey-{name}-{v.language}.png"), full_page=True)


def decide(page: Page, v: Variant, action: str, comment: str = "", confirm: bool = False) -> None:
    """Press a decision button of the page, with its comment and confirmation."""
    form = page.locator("form.transition-form").filter(
        has=page.get_by_role("button", name=action, exact=True)
    )
    if comment:
        form.get_by_label(v.t("Comment")).fill(comment)
    if confirm:
        form.get_by_role("checkbox").check()
    form.get_by_role("button", name=action, exact=True).click()


def my_tasks(page: Page, v: Variant) -> Locator:
    """Open the inbox from the header; its list of tasks."""
    page.get_by_role("link", name=re.compile("^" + re.escape(v.t("My tasks")))).click()
    expect(page.get_by_role("heading", name=v.t("My tasks"))).to_be_visible()
    return page.locator("#tasks")


def for_the_coe(org: Org, initiative: Initiative, *steps: tuple[str, str, str]) -> Initiative:
    """Steps taken by others between the acts of the role under test."""
    for name, who, comment in steps:
        initiative = workflow.initiative_transition(
            actor=org.people[who], initiative=initiative, name=name, comment=comment
        )
    return initiative


# The unit lead


def test_the_unit_lead_proposes_attaches_answers_resubmits_and_launches(
    org: Org, visit: Any, v: Variant
) -> None:
    policy_in(org, "published", title="Brand voice")
    lead = visit("marketing_lead")
    check(lead, v)

    lead.get_by_role("link", name=v.t("New initiative")).first.click()
    lead.get_by_label(v.t("Business unit")).select_option(label="Marketing")
    lead.get_by_label(v.t("Title")).fill("Creator series")
    lead.get_by_label(v.t("Summary")).fill("Short videos with creators.")
    lead.get_by_label("Grow brand awareness").check()
    lead.get_by_label(v.t("Customers"), exact=True).check()
    lead.get_by_label(v.t("Budget")).fill("6000")
    lead.get_by_label(v.t("Risk")).select_option("low")
    check(lead, v)
    lead.get_by_role("button", name=v.t("Create draft")).click()
    expect(lead.get_by_text(v.t("The initiative was created as a draft."))).to_be_visible()
    initiative = Initiative.objects.get(title="Creator series")

    # The policies in force come first: the page says which, and links there.
    lead.get_by_role("link", name=v.t("Acknowledge it first")).click()
    lead.get_by_role(
        "button", name=re.compile(v.t("Acknowledge version %(version)s", version=1))
    ).click()
    expect(
        lead.get_by_text(v.t("You acknowledged version %(version)s.", version=1))
    ).to_be_visible()
    check(lead, v)
    lead.goto("/")
    lead.get_by_role("link", name="Creator series").first.click()
    files = lead.locator("#attachments")
    files.locator("input[type=file]").set_input_files(
        {"name": "Creator brief.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    files.get_by_role("button", name=v.t("Attach file")).click()
    expect(files.get_by_role("link", name="Creator brief.pdf")).to_be_visible()
    add_kpi(lead, initiative.pk)
    check(lead, v)
    decide(lead, v, v.t("Submit for review"))
    expect(lead.get_by_text(v.t("Submitted; now awaits review by the CoE."))).to_be_visible()
    check(lead, v, "unit-lead-submitted")

    initiative = for_the_coe(
        org,
        initiative,
        ("start_review", "coe_member", ""),
        ("request_changes", "coe_member", "Name the creators."),
    )
    discussion.comment_post(
        actor=org.coe_member, target=initiative, body="@marketing_lead Which creators, how often?"
    )

    # The lead reads the question on the page and answers it there.
    lead.goto("/")
    lead.get_by_role("link", name="Creator series").first.click()
    thread = lead.locator("#discussion")
    expect(thread).to_contain_text("Which creators, how often?")
    thread.get_by_label(v.t("Comment")).fill("Three creators, two videos a month each.")
    thread.get_by_role("button", name=v.t("Post comment")).click()
    expect(lead.get_by_text(v.t("Your comment is posted."))).to_be_visible()
    lead.get_by_role("link", name=v.t("Edit"), exact=True).click()
    lead.get_by_label(v.t("Summary")).fill("Three creators, two videos a month each.")
    lead.get_by_role("button", name=v.t("Save changes")).click()
    expect(lead.get_by_text(v.t("Your changes were saved."))).to_be_visible()
    decide(lead, v, v.t("Submit for review"))
    expect(lead.get_by_text(v.t("Submitted; now awaits review by the CoE."))).to_be_visible()
    check(lead, v)

    initiative = for_the_coe(
        org, initiative, ("start_review", "coe_lead", ""), ("approve", "coe_lead", "")
    )
    assert initiative.state == "approved"
    lead.reload()
    decide(lead, v, v.t("Launch"))
    expect(lead.get_by_text(v.t("Now active."))).to_be_visible()
    check(lead, v, "unit-lead-launched")

    initiative.refresh_from_db()
    assert initiative.state == "active"
    assert Attachment.objects.get().name == "Creator brief.pdf"
    assert Comment.objects.filter(author=org.marketing_lead).count() == 1
    assert list(
        Decision.objects.filter(initiative=initiative, actor=org.marketing_lead).values_list(
            "transition", flat=True
        )
    ) == ["submit", "submit", "launch"]


# The CoE analyst and the CoE lead


def bulk_decide(page: Page, v: Variant, titles: list[str], decision: str, comment: str) -> None:
    page.get_by_role("link", name=v.t("Decide several at once")).first.click()
    expect(page.get_by_role("heading", name=v.t("Decide several at once"))).to_be_visible()
    for title in titles:
        page.get_by_label(v.t("Select %(title)s", title=title)).check()
    page.get_by_role("combobox", name=v.t("Decision")).select_option(label=decision)
    page.get_by_label(v.t("Comment")).fill(comment)
    check(page, v)
    page.get_by_role("button", name=v.t("Decide the selected")).click()
    expect(page.get_by_role("heading", name=v.t("Outcome of the decisions"))).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(len(titles))
    for title in titles:
        expect(rows.filter(has_text=title).locator(".badge")).to_have_text(v.t("Decided"))


def test_the_coe_analyst_and_lead_review_comment_and_decide_in_bulk_from_the_queue(
    org: Org, visit: Any, v: Variant
) -> None:
    titles = ["Creator series", "Community Q&A"]
    for title in titles:
        bring_to(org, "submitted", title=title)

    analyst = visit("coe_member")
    queue = analyst.locator("#panel-review_queue")
    expect(queue.get_by_role("link", name="Creator series")).to_be_visible()
    check(analyst, v)
    queue.get_by_role("link", name="Creator series").click()
    thread = analyst.locator("#discussion")
    thread.get_by_label(v.t("Comment")).fill(
        "@marketing_member Which KPIs, against which baseline?"
    )
    thread.get_by_role("button", name=v.t("Post comment")).click()
    expect(analyst.get_by_text(v.t("Your comment is posted."))).to_be_visible()
    check(analyst, v, "coe-analyst-comment")
    analyst.goto("/")
    bulk_decide(analyst, v, titles, v.t("Start review"), "Both in review this week.")
    check(analyst, v, "coe-analyst-bulk")

    lead = visit("coe_lead")
    bulk_decide(lead, v, titles, v.t("Approve"), "Within the plan.")
    check(lead, v, "coe-lead-bulk")

    assert set(Initiative.objects.values_list("state", flat=True)) == {"approved"}
    assert list(
        Decision.objects.filter(initiative__title="Creator series")
        .exclude(transition="submit")
        .values_list("transition", "actor__username", "comment")
    ) == [
        ("start_review", "coe_member", "Both in review this week."),
        ("approve", "coe_lead", "Within the plan."),
    ]
    assert Comment.objects.get().author == org.coe_member


# The sponsor and a delegate


def test_the_sponsor_signs_off_from_the_inbox(org: Org, visit: Any, v: Variant) -> None:
    initiative = bring_to(org, "awaiting_sponsor", title="Flagship launch", budget=Decimal(80000))
    sponsor = visit("sponsor")
    expect(sponsor.locator(".inbox-nav .count-badge").first).to_have_text("1")
    tasks = my_tasks(sponsor, v)
    check(sponsor, v, "sponsor-inbox")
    tasks.get_by_role("link", name="Flagship launch").click()
    decide(sponsor, v, v.t("Approve as sponsor"), comment="Go, with a report in June.")
    expect(sponsor.get_by_text(v.t("Approved; now ready to launch."))).to_be_visible()
    check(sponsor, v, "sponsor-signed-off")
    my_tasks(sponsor, v)
    expect(sponsor.get_by_text(v.t("Nothing waits for you."))).to_be_visible()

    initiative.refresh_from_db()
    assert initiative.state == "approved"
    decision = Decision.objects.filter(initiative=initiative).last()
    assert decision is not None
    assert (decision.actor, decision.on_behalf_of, decision.comment) == (
        org.sponsor,
        None,
        "Go, with a report in June.",
    )


def test_a_delegate_decides_on_behalf_of_the_sponsor_and_the_timeline_says_so(
    org: Org, visit: Any, v: Variant
) -> None:
    initiative = bring_to(org, "awaiting_sponsor", title="Creator week")
    today = timezone.localdate()
    sponsor_services.delegation_create(
        actor=org.sponsor,
        delegate=org.sales_lead,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=7),
        reason="Board week",
    )
    on_behalf = v.t("on behalf of %(sponsor)s", sponsor="sponsor")

    delegate = visit("sales_lead")
    tasks = my_tasks(delegate, v)
    row = tasks.locator("li").filter(has_text="Creator week")
    expect(row).to_contain_text(on_behalf)
    check(delegate, v, "delegate-inbox")
    row.get_by_role("link", name="Creator week").click()
    decide(delegate, v, v.t("Approve as sponsor"))
    expect(delegate.get_by_text(v.t("Approved; now ready to launch."))).to_be_visible()
    entry = delegate.locator(".timeline li").last
    expect(entry).to_contain_text("sales_lead")
    expect(entry).to_contain_text(on_behalf)
    check(delegate, v, "delegate-timeline")

    decision = Decision.objects.filter(initiative=initiative).last()
    assert decision is not None
    assert (decision.actor, decision.on_behalf_of) == (org.sales_lead, org.sponsor)


# The CoE with its policies


def test_the_coe_drafts_publishes_for_later_retires_and_decides_an_exception(
    org: Org, visit: Any, v: Variant
) -> None:
    old = policy_in(org, "published", title="Old streaming rules")
    disclosure = policy_in(org, "published", title="Disclosure of paid partnerships")
    pilot = propose(org, title="Influencer pilot")
    until = timezone.localdate() + datetime.timedelta(days=60)
    policy_services.exception_request(
        actor=org.marketing_lead,
        initiative=pilot,
        policy=disclosure,
        reason="The platform labels paid partnerships itself.",
        expires_on=until,
    )

    analyst = visit("coe_member")
    analyst.get_by_role("navigation", name=v.t("Main")).get_by_role(
        "link", name=v.t("Policies")
    ).click()
    analyst.get_by_role("link", name=v.t("New policy")).click()
    analyst.get_by_label(v.t("Title")).fill("Live streaming")
    analyst.get_by_label(v.t("Category")).select_option("social_media")
    analyst.get_by_label(v.t("Body (Markdown)")).fill(
        "# Live streaming\n\n- Two people on every stream."
    )
    analyst.get_by_label("Marketing").check()
    analyst.get_by_role("button", name=v.t("Preview")).click()
    expect(analyst.locator("#preview li")).to_have_text("Two people on every stream.")
    check(analyst, v, "coe-policy-preview")
    analyst.get_by_role("button", name=v.t("Create draft")).click()
    decide(analyst, v, v.t("Submit for review"))
    expect(analyst.locator(".page-head .badge")).to_have_text(v.t("In review"))
    check(analyst, v)

    lead = visit("coe_lead")
    lead.get_by_role("navigation", name=v.t("Main")).get_by_role(
        "link", name=v.t("Policies")
    ).click()
    lead.get_by_role("link", name="Live streaming").click()
    later = timezone.localdate() + datetime.timedelta(days=14)
    publish = lead.locator("form.transition-form").filter(
        has=lead.get_by_role("button", name=v.t("Publish"), exact=True)
    )
    publish.get_by_label(v.t("In effect from")).fill(later.isoformat())
    publish.get_by_label(v.t("Comment")).fill("Effective with the new studio.")
    publish.get_by_role("button", name=v.t("Publish"), exact=True).click()
    expect(lead.get_by_text(v.t("Scheduled"), exact=True)).to_be_visible()
    check(lead, v, "coe-policy-scheduled")

    lead.get_by_role("navigation", name=v.t("Main")).get_by_role(
        "link", name=v.t("Policies")
    ).click()
    lead.get_by_role("link", name="Old streaming rules").click()
    decide(lead, v, v.t("Retire"), confirm=True)
    expect(lead.get_by_text(v.t("Retired: the policy is no longer in force."))).to_be_visible()
    check(lead, v)

    lead.get_by_role("navigation", name=v.t("Main")).get_by_role(
        "link", name=v.t("Policies")
    ).click()
    lead.get_by_role("link", name=v.t("Exceptions")).click()
    check(lead, v)
    lead.get_by_role("link", name="Disclosure of paid partnerships").click()
    decide(lead, v, v.t("Approve exception"), comment="For the pilot only.")
    expect(lead.locator(".page-head .badge")).to_have_text(v.t("Approved, active"))
    check(lead, v, "coe-exception-approved")

    new = Policy.objects.get(title="Live streaming")
    assert (new.state, PolicyVersion.objects.get(policy=new).effective_date) == ("published", later)
    old.refresh_from_db()
    assert old.state == "retired"
    exception = PolicyException.objects.get()
    assert (exception.state, exception.decided_by, exception.decision_comment) == (
        "approved",
        org.coe_lead,
        "For the pilot only.",
    )


# Staff


def test_a_staff_member_acknowledges_a_policy_from_the_inbox(
    org: Org, visit: Any, v: Variant
) -> None:
    policy = policy_in(org, "published", title="Brand voice")
    member = visit("marketing_member")
    tasks = my_tasks(member, v)
    check(member, v, "staff-inbox")
    tasks.get_by_role("link", name=re.compile("Brand voice")).click()
    member.get_by_role(
        "button", name=re.compile(v.t("Acknowledge version %(version)s", version=1))
    ).first.click()
    expect(
        member.get_by_text(v.t("You acknowledged version %(version)s.", version=1)).first
    ).to_be_visible()
    check(member, v, "staff-acknowledged")
    my_tasks(member, v)
    expect(member.get_by_text(v.t("Nothing waits for you."))).to_be_visible()
    assert Acknowledgment.objects.filter(policy=policy, user=org.marketing_member).count() == 1


# The auditor


def test_the_auditor_reads_an_object_history_exports_it_and_sees_the_chain_status(
    org: Org, visit: Any, v: Variant
) -> None:
    initiative = bring_to(org, "in_review", title="Creator series")
    audit_verify.verification_record(audit_verify.verify())

    auditor = visit("auditor")
    auditor.get_by_role("link", name=v.t("Open the audit log")).click()
    expect(auditor.get_by_role("heading", name=v.t("Audit log"))).to_be_visible()
    status = auditor.locator("#audit-verification")
    expect(status).to_contain_text(
        re.compile(
            re.escape(v.t("Chain last verified %(at)s: intact, %(events)s events"))
            .replace(re.escape("%(at)s"), ".+")
            .replace(re.escape("%(events)s"), r"\d+")
        )
    )
    check(auditor, v)

    # The initiative is the only object of its type: its whole history.
    auditor.get_by_label(v.t("Object type")).select_option("initiatives.initiative")
    auditor.get_by_role("button", name=v.t("Apply")).click()
    rows = auditor.locator("tbody tr")
    expected = initiative_events(initiative)
    expect(rows).to_have_count(len(expected))
    expect(rows.first).to_contain_text("Creator series")
    check(auditor, v, "auditor-object-history")

    with auditor.expect_download() as download:
        auditor.get_by_role("link", name=v.t("Export as CSV")).click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + len(expected)
    assert all("Creator series" in line for line in lines[1:])
    assert all(any(event in line for line in lines[1:]) for event in expected)


def initiative_events(initiative: Initiative) -> list[str]:
    """The names of every audit event recorded about the initiative."""
    return list(
        AuditEvent.objects.filter(
            object_type="initiatives.initiative", object_id=str(initiative.pk)
        ).values_list("event", flat=True)
    )
