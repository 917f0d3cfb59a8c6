"""Self-harm is met with care, a threat of violence with at least a suspension, and the crisis
lines a member at risk is offered start with services whose numbers their own sites publish."""

from django.db import migrations

# (country, language, name, phone, text, url, hours); README "Crisis resources" says where
# each comes from. Admins add the rest for the countries the community serves.
CRISIS_LINES = [
    ("", "", "Find A Helpline", "", "", "https://findahelpline.com", ""),
    ("US", "", "988 Suicide & Crisis Lifeline", "988", "988", "https://988lifeline.org", "24/7"),
    ("CA", "", "9-8-8 Suicide Crisis Helpline", "988", "988", "https://988.ca", "24/7"),
    ("GB", "", "Samaritans", "116 123", "", "https://www.samaritans.org", "24/7"),
    ("IE", "", "Samaritans", "116 123", "", "https://www.samaritans.org", "24/7"),
    ("DE", "", "TelefonSeelsorge", "0800 111 0 111", "", "https://www.telefonseelsorge.de", "24/7"),
    (
        "FR",
        "",
        "3114, numéro national de prévention du suicide",
        "3114",
        "",
        "https://3114.fr",
        "24/7",
    ),
    ("ES", "", "024, línea de atención a la conducta suicida", "024", "", "", "24/7"),
    ("AU", "", "Lifeline", "13 11 14", "", "https://www.lifeline.org.au", "24/7"),
]


def forwards(apps, schema_editor):
    Reason = apps.get_model("reports", "Reason")
    CrisisResource = apps.get_model("reports", "CrisisResource")
    Reason.objects.filter(category__slug="hate-abuse", slug="self-harm").update(handling="welfare")
    Reason.objects.filter(category__slug="hate-abuse", slug="threat").update(
        minimum_action="suspend"
    )
    for position, (country, language, name, phone, text, url, hours) in enumerate(CRISIS_LINES):
        CrisisResource.objects.get_or_create(
            country=country,
            name=name,
            defaults=dict(
                language=language, phone=phone, text=text, url=url, hours=hours, position=position
            ),
        )


def backwards(apps, schema_editor):
    Reason = apps.get_model("reports", "Reason")
    Reason.objects.filter(handling="welfare").update(handling="sanction")
    Reason.objects.exclude(minimum_action="").update(minimum_action="")


class Migration(migrations.Migration):
    dependencies = [("reports", "0016_lives_at_risk")]

    operations = [migrations.RunPython(forwards, backwards)]
