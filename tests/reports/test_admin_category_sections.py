"""The category page's sections: closed until needed, open wherever an error is."""

import re

import pytest
from django.urls import reverse

from reports.models import EscalationTier, Reason, Tier
from tests.reports.test_admin import posted_form

pytestmark = pytest.mark.django_db

CLOSED = [
    "Translations",
    "Reasons",
    "Policy",
    "Tiers (the frontline SLA follows the category&#x27;s SLA)",
    "Enforcement ladder",
    "Statements of reasons",
    "Transparency Database",
]


def closed_sections(html: str) -> list[str]:
    """The page's own sections drawn closed (a reason's sections have smaller headings)."""
    return re.findall(r"<details><summary>\s*<h2[^>]*>\s*([^<]+?)\s*</h2>", html)


def post(client, category, **changes):
    url = reverse("admin:reports_category_change", args=[category.pk])
    data = {**posted_form(client.get(url)), **changes}
    return client.post(url, data)


def test_the_sections_start_closed_in_order(ts_admin_client, staffed_spam):
    url = reverse("admin:reports_category_change", args=[staffed_spam.pk])

    html = ts_admin_client.get(url).content.decode()

    assert closed_sections(html) == CLOSED
    assert html.index('name="sla_days"') < html.index("<details>")  # the essentials come first
    last_section = re.search(r"<h2[^>]*>\s*Transparency Database", html).start()
    assert last_section > html.index('id="statement_templates-group"')


def test_an_error_of_the_whole_tier_table_opens_its_section(ts_admin_client, staffed_spam):
    url = reverse("admin:reports_category_change", args=[staffed_spam.pk])
    page = ts_admin_client.get(url)
    inlines = page.context["inline_admin_formsets"]
    tiers = next(i.formset for i in inlines if i.formset.model is EscalationTier)
    senior = next(f for f in tiers.forms if f.instance.tier == Tier.SENIOR)
    # Every row valid on its own; the table as a whole misses a tier.
    data = {**posted_form(page), f"{senior.prefix}-DELETE": "on"}

    html = ts_admin_client.post(url, data).content.decode()

    assert "Give each tier exactly one row" in html
    assert "Tiers (the frontline SLA follows the category&#x27;s SLA)" not in closed_sections(html)
    assert "Policy" in closed_sections(html)


def test_an_error_beside_another_field_opens_its_section(ts_admin_client, staffed_spam):
    # A Japanese description shares its line with the Japanese name.
    html = post(ts_admin_client, staffed_spam, description_ja="説" * 3, name_ja="名" * 81)

    assert "Ensure this value has at most 80 characters" in html.content.decode()
    assert "Translations" not in closed_sections(html.content.decode())


def test_an_error_in_one_reason_opens_the_reasons(ts_admin_client, staffed_spam):
    url = reverse("admin:reports_category_change", args=[staffed_spam.pk])
    page = ts_admin_client.get(url)
    reasons = next(
        i.formset for i in page.context["inline_admin_formsets"] if i.formset.model is Reason
    )
    name = reasons.forms[0]["sla"].html_name
    data = {**posted_form(page), f"{name}_days": "", f"{name}_hours": "-2", f"{name}_minutes": ""}
    data.pop(name, None)

    html = ts_admin_client.post(url, data).content.decode()

    assert "The hours cannot be negative: write 0 or more." in html
    assert "Reasons" not in closed_sections(html)
