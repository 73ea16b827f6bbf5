# ruff: noqa: E501 (the published wording, one string per line as makemessages reads it)
"""The published criteria's wording, for translation. Criteria are data
(maturity/data/maturity_criteria.json, installed into the database), so their
English title and description are listed here for makemessages, and pages show
them through gettext. A criterion the CoE lead rewords reads as worded."""

from django.utils.translation import gettext_noop

# key: (title, description), in the order of the published file. "80 %" is
# not a placeholder: those lines are marked so that gettext does not check it.
CRITERIA_TEXT: dict[str, tuple[str, str]] = {
    "listening_program": (
        gettext_noop("A listening program"),
        gettext_noop(
            "We listen to what is said about us and our market on social channels, to learn before we act."
        ),
    ),
    "formal_presence": (
        gettext_noop("A formal presence"),
        gettext_noop(
            "Our social accounts are official, branded, owned by named people and known to the organization."
        ),
    ),
    "initiative_proposed": (
        gettext_noop("Initiatives go through the workflow"),
        gettext_noop("At least one initiative has been submitted for review in this tool."),
    ),
    "accounts_registered": (
        gettext_noop("Social accounts are registered"),
        gettext_noop(
            "The accounts the organization runs are in the registry, each with a named owner."
        ),
    ),
    "engagement_practices": (
        gettext_noop("Engagement practices"),
        gettext_noop(
            "We answer, converse and build relationships on our channels, not only broadcast."
        ),
    ),
    "initiative_running": (
        gettext_noop("Initiatives run"),
        gettext_noop("At least one initiative has been launched (active, paused or completed)."),
    ),
    "sponsor_assigned": (
        gettext_noop("An executive sponsor"),
        gettext_noop(
            "An executive sponsor is assigned to the business unit (to every unit, for the organization)."
        ),
    ),
    "coe_with_lead": (
        gettext_noop("A Center of Excellence with a lead"),
        gettext_noop("The organization has a CoE with a lead."),
    ),
    "core_policies": (
        gettext_noop("Core policies in force"),
        gettext_noop(
            "Published policies on social media, community response and triage, and crisis escalation apply to the unit."
        ),
    ),
    "policies_acknowledged": (
        gettext_noop("Policies acknowledged"),
        gettext_noop(
            # xgettext:no-python-format
            "At least 80 % of the unit's staff acknowledged the current versions of the policies that apply to them."
        ),
    ),
    "decided_recently": (
        gettext_noop("Decisions through the workflow"),
        gettext_noop(
            "At least one initiative was decided (approved or rejected) through the workflow in the last 180 days."
        ),
    ),
    "accounts_recertified": (
        gettext_noop("Social accounts are recertified"),
        gettext_noop("Every live account has been recertified by its owner within its cycle."),
    ),
    "playbook_in_force": (
        gettext_noop("A crisis playbook is in force"),
        gettext_noop(
            "A published crisis playbook covers the unit: who is called at each severity, and the first steps."
        ),
    ),
    "budget_aligned": (
        gettext_noop("Budget aligned to goals"),
        # xgettext:no-python-format
        gettext_noop("At least 80 % of the active budget serves active strategic goals."),
    ),
    "kpis_recorded": (
        gettext_noop("KPIs recorded"),
        gettext_noop(
            "Every active initiative has KPIs, and each of them has at least one measurement recorded."
        ),
    ),
    "sponsor_within_sla": (
        gettext_noop("Sponsors decide on time"),
        gettext_noop(
            "In the last 90 days sponsors decided, and every sponsor decision came within the review target."
        ),
    ),
    "business_impact": (
        gettext_noop("Visible business impact"),
        gettext_noop(
            "At least half of the initiatives completed in the last 365 days closed with an outcome review the CoE accepted in which a KPI was met or partly met."
        ),
    ),
    "functions_beyond_marketing": (
        gettext_noop("Social in at least four functions"),
        gettext_noop(
            "Active initiatives across the organization serve at least four functions (such as customer care, HR and recruiting, sales, product development, beyond marketing and communications)."
        ),
    ),
    "audiences_beyond_customers": (
        gettext_noop("Audiences beyond customers"),
        gettext_noop(
            "Active initiatives reach at least two audiences beyond customers (employees, partners, shareholders)."
        ),
    ),
    "no_overdue_policy_reviews": (
        gettext_noop("Policies reviewed on time"),
        gettext_noop("No policy that applies is overdue for review."),
    ),
}
