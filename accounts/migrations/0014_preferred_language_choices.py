"""Members read hellomod in twelve languages and Traditional Chinese: the language of messages is
one of them, and a value saved before (such as "zh" or "zh-Hans") becomes the one it meant."""

from django.db import migrations, models

LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("it", "Italiano"),
    ("pt", "Português"),
    ("ru", "Русский"),
    ("ja", "日本語"),
    ("ko", "한국어"),
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("ar", "العربية"),
    ("hi", "हिन्दी"),
]
CODES = {code for code, _name in LANGUAGES}
# What an older value meant; anything else unknown reads English, as it already did.
MEANT = {"zh": "zh-hans", "zh-cn": "zh-hans", "zh-sg": "zh-hans", "zh-tw": "zh-hant",
         "zh-hk": "zh-hant", "pt-br": "pt", "pt-pt": "pt"}  # fmt: skip


def settle_languages(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    values = User.objects.exclude(preferred_language__in=CODES).values_list(
        "preferred_language", flat=True
    )
    for value in set(values):
        code = value.lower()
        generic = code.split("-")[0]
        meant = (
            code if code in CODES else MEANT.get(code) or (generic if generic in CODES else "en")
        )
        User.objects.filter(preferred_language=value).update(preferred_language=meant)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0013_transparency_roles")]

    operations = [
        migrations.RunPython(settle_languages, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="preferred_language",
            field=models.CharField(
                choices=LANGUAGES,
                default="en",
                help_text="Language of the pages and notifications this person reads.",
                max_length=8,
                verbose_name="language of messages",
            ),
        ),
    ]
