"""The shipped categories' and reasons' places in the EU Transparency Database's taxonomy.

Admins change them on the category's page; this only fills what the shipped rows start with.
"""

from django.db import migrations

OTHER = "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"

# category slug: (statement category, keywords, {reason slug: (statement category, keywords)})
MAPPING = {
    "dating-sexual": (
        OTHER,
        ["KEYWORD_GOODS_SERVICES_NOT_PERMITTED"],
        {
            "sexual-talk": ("STATEMENT_CATEGORY_CYBER_VIOLENCE", ["KEYWORD_CYBER_HARASSMENT"]),
        },
    ),
    "hate-abuse": (
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        [],
        {
            "self-harm": (
                "STATEMENT_CATEGORY_SELF_HARM",
                ["KEYWORD_SELF_MUTILATION", "KEYWORD_SUICIDE"],
            ),
            "threat": ("STATEMENT_CATEGORY_VIOLENCE", ["KEYWORD_INCITEMENT_VIOLENCE_HATRED"]),
            "hate": ("STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH", ["KEYWORD_HATE_SPEECH"]),
            "obscene": (OTHER, ["KEYWORD_ADULT_SEXUAL_MATERIAL"]),
            "private-info": ("STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS", []),
            "unlawful": ("STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY", []),
            "rudeness": (
                "STATEMENT_CATEGORY_CYBER_VIOLENCE",
                ["KEYWORD_CYBER_BULLYING_INTIMIDATION"],
            ),
        },
    ),
    "spam-solicitation": (
        OTHER,
        [],
        {
            "money": ("STATEMENT_CATEGORY_SCAMS_AND_FRAUD", []),
        },
    ),
    "inappropriate-profile": (OTHER, [], {}),
    "harassment": (
        "STATEMENT_CATEGORY_CYBER_VIOLENCE",
        ["KEYWORD_CYBER_HARASSMENT"],
        {
            "bullying": ("", ["KEYWORD_CYBER_BULLYING_INTIMIDATION"]),
            "stalking": ("", ["KEYWORD_CYBER_STALKING"]),
        },
    ),
    "fake-account": (
        "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        ["KEYWORD_INAUTHENTIC_ACCOUNTS"],
        {
            "impersonation": ("", ["KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING"]),
        },
    ),
    "rights-infringement": (
        "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
        [],
        {
            "copyright": ("", ["KEYWORD_COPYRIGHT_INFRINGEMENT"]),
            "trademark": ("", ["KEYWORD_TRADEMARK_INFRINGEMENT"]),
        },
    ),
    "malware-scraping": (
        "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
        [],
        {
            "harmful-link": ("STATEMENT_CATEGORY_SCAMS_AND_FRAUD", ["KEYWORD_PHISHING"]),
        },
    ),
    "service-abuse": (OTHER, [], {}),
    "reporting-misuse": (OTHER, [], {}),
}


def map_statement_categories(apps, schema_editor=None):
    Category = apps.get_model("reports", "Category")
    Reason = apps.get_model("reports", "Reason")
    for slug, (statement_category, keywords, reasons) in MAPPING.items():
        Category.objects.filter(slug=slug).update(
            statement_category=statement_category, statement_keywords=keywords
        )
        for reason_slug, (reason_category, reason_keywords) in reasons.items():
            Reason.objects.filter(category__slug=slug, slug=reason_slug).update(
                statement_category=reason_category, statement_keywords=reason_keywords
            )


class Migration(migrations.Migration):
    dependencies = [("reports", "0029_transparency")]

    operations = [migrations.RunPython(map_statement_categories, migrations.RunPython.noop)]
