"""Translations of categories and reasons as fields, one per language, and languages by name.

Categories and reasons keep their translations in a JSON field ({"ja": {"name": "…"}}); the
admin never shows that JSON. Their forms get a name field (and for categories a description
field) per language of the site other than English, labelled with the language's own name and
the reader's name for it ("Name (日本語 · Japanese)"). An empty field is an untranslated text:
its placeholder shows what members read instead, the catalogue's translation of the English
text (reports/texts/shipped.py). Saving writes the filled-in fields back into the JSON, and the
model's own checks run on it as before.
"""

import unicodedata

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.admin.durations import reads_only

# What each translated text is called on the page.
TEXT_LABELS = {"name": _("Name"), "description": _("Description")}
# Explicit direction formatting: embeddings, overrides, isolates and the characters ending them.
# One left open turns the text after it around, past the end of the name, into the statement or
# page that quotes it. The marks (LRM, RLM, ALM) only lean one character one way: welcome.
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Line breaks and control characters: a name is quoted on one line, in e-mail subjects too, where
# a line break makes the mail library refuse the whole message.
BREAKS = frozenset({"Cc", "Zl", "Zp"})


def translated_languages() -> list[str]:
    """The languages admins translate into: the site's, without the one the rows are written in."""
    return [code for code, _own in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def language_name(code: str):
    """ "日本語 · Japanese": the language's own name, and the reader's name for it."""
    own = dict(settings.LANGUAGES).get(code, code)
    try:
        info = translation.get_language_info(code)
    except KeyError:
        return own
    return format_lazy("{} · {}", own, info["name_translated"])


def language_choices() -> list[tuple[str, object]]:
    return [(code, language_name(code)) for code, _own in settings.LANGUAGES]


@admin.display(description=_("language"), ordering="language")
def language_of(row) -> str:
    """A text's language by name, in lists and on pages that only show it."""
    return str(language_name(row.language))


def field_name(text: str, code: str) -> str:
    return f"{text}_{code.replace('-', '_')}"


def translation_lines(texts: tuple[str, ...]) -> tuple:
    """The form's translation fields as fieldset lines: one line per language."""
    lines = [tuple(field_name(text, code) for text in texts) for code in translated_languages()]
    return tuple(line if len(line) > 1 else line[0] for line in lines)


def text_problem(value: str, *, one_line: bool) -> str | None:
    """Why an admin's name or description cannot be shown as typed, or None."""
    if any(char in DIRECTION_CONTROLS for char in value):
        return gettext(
            "This text holds invisible direction characters (U+202A to U+202E, U+2066 to "
            "U+2069), which turn the text after them around: type it again without them. "
            "hellomod sets each language's direction itself."
        )
    welcome = () if one_line else ("\n", "\r", "\t")
    if any(unicodedata.category(char) in BREAKS and char not in welcome for char in value):
        if one_line:
            return gettext("Write the name on one line, without line breaks or control characters.")
        return gettext("Remove the control characters: a description may hold line breaks only.")
    return None


def shipped_text(english: str, code: str) -> str:
    """What a member reading `code` is shown for an English text nobody translated here."""
    if not english:
        return ""
    with translation.override(code):
        return gettext(english)


class TranslationsForm(forms.ModelForm):
    """A category's or reason's form, with a field per language for each of `texts`."""

    texts: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.translations
        self.stored_translations = stored if isinstance(stored, dict) else {}
        for code in translated_languages():
            for text in self.texts:
                name = field_name(text, code)
                if name not in self.fields:
                    continue  # read by someone who may not change it
                current = self.stored_translations.get(code)
                stored_text = current.get(text, "") if isinstance(current, dict) else ""
                self.initial.setdefault(name, stored_text)
                attrs = self.fields[name].widget.attrs
                attrs["lang"] = code
                attrs["dir"] = "rtl" if code in settings.LANGUAGES_BIDI else "ltr"
                shipped = shipped_text(getattr(self.instance, text, ""), code)
                if shipped:
                    attrs["placeholder"] = shipped

    @property
    def translation_names(self) -> list[str]:
        return [field_name(text, code) for code in translated_languages() for text in self.texts]

    def clean(self):
        data = super().clean()
        # The English texts and their translations alike: members read both.
        written = [(text, text) for text in self.texts] + [
            (field_name(text, code), text) for code in translated_languages() for text in self.texts
        ]
        for name, text in written:
            value = self.cleaned_data.get(name) if name in self.fields else None
            if isinstance(value, str) and (problem := text_problem(value, one_line=text == "name")):
                self.add_error(name, problem)
        return data

    def translations(self) -> dict:
        """The translations the form's fields make, over those it does not edit."""
        known = set(translated_languages()) | {settings.LANGUAGE_CODE}
        result = {
            code: dict(texts)
            for code, texts in self.stored_translations.items()
            if code in known and isinstance(texts, dict)
        }
        for code in translated_languages():
            texts = result.setdefault(code, {})
            for text in self.texts:
                name = field_name(text, code)
                if name not in self.fields or name not in self.cleaned_data:
                    continue
                value = (self.cleaned_data[name] or "").strip()
                if value:
                    texts[text] = value
                else:
                    texts.pop(text, None)
        return {code: texts for code, texts in result.items() if texts}

    def _post_clean(self):
        if any(name in self.fields for name in self.translation_names):
            self.instance.translations = self.translations()
        super()._post_clean()

    def add_error(self, field, error):
        # The model checks the JSON it is given; here that JSON is built from the fields above,
        # so whatever the model says of it belongs to the form as a whole.
        about_json = (
            field is None
            and isinstance(error, ValidationError)
            and "translations" in getattr(error, "error_dict", {})
            and "translations" not in self.fields
        )
        if about_json:
            error.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(
                error.error_dict.pop("translations")
            )
        super().add_error(field, error)


def translations_form(base: type[forms.ModelForm], model, texts: tuple[str, ...]):
    """`base` with a field per language for each of `texts` (their length as the model's)."""
    attrs: dict = {"texts": texts}
    for code in translated_languages():
        label = language_name(code)
        for text in texts:
            model_field = model._meta.get_field(text)
            widget = (
                forms.Textarea(attrs={"rows": 3, "cols": 60})
                if text == "description"
                else forms.TextInput(attrs={"size": 40})
            )
            attrs[field_name(text, code)] = forms.CharField(
                label=format_lazy("{} ({})", TEXT_LABELS[text], label),
                required=False,
                max_length=model_field.max_length,
                widget=widget,
            )
    return type(base.__name__, (TranslationsForm, base), attrs)


class TranslationsAdmin:
    """For an admin or an inline whose form is a TranslationsForm: those who may only read the
    row see its translations as a list instead of empty fields."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._reads_translations_only(request, obj):
            return fieldsets
        names = set()
        for code in translated_languages():
            names.update(field_name(text, code) for text in self.form.texts)
        shown = any("translations_read" in options["fields"] for _name, options in fieldsets)
        swapped = []
        for name, options in fieldsets:
            fields = [
                entry
                for entry in options["fields"]
                if not (set(entry if isinstance(entry, tuple) else (entry,)) & names)
            ]
            if len(fields) < len(options["fields"]) and not shown:
                fields.append("translations_read")
                shown = True
            swapped.append((name, {**options, "fields": tuple(fields)}))
        return swapped

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self._reads_translations_only(request, obj):
            readonly.append("translations_read")
        return readonly

    @admin.display(description=_("Translations"))
    def translations_read(self, row):
        rows = [
            (language_name(code), " — ".join(str(texts[t]) for t in TEXT_LABELS if texts.get(t)))
            for code, texts in (row.translations or {}).items()
            if isinstance(texts, dict) and texts
        ]
        if not rows:
            return gettext("None yet: members read the shipped translations.")
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {}</li>", rows))

    def _reads_translations_only(self, request, obj) -> bool:
        return reads_only(self, request, obj)


NAMED = {"language": language_of}


class LanguagesByName:
    """For the admin of a text in one language: those who may only read it see the language
    by name ("日本語 · Japanese"), as the form's picker names it, not by its code."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not reads_only(self, request, obj):
            return fieldsets

        def swap(fields):
            return tuple(
                swap(entry) if isinstance(entry, tuple) else NAMED.get(entry, entry)
                for entry in fields
            )

        return [(name, {**opts, "fields": swap(opts["fields"])}) for name, opts in fieldsets]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if reads_only(self, request, obj):
            readonly.append(language_of)
        return readonly
