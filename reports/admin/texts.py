"""Admin for the texts members and moderators read: notification texts and statements of reasons.

Both forms have a Preview button: the form is validated as for saving and, when valid, shown
again with the text as the sample case would read it, and nothing is saved. A text naming a
placeholder its message does not allow shows the error next to the field instead.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from reports.admin.base import AuditedConfigurationAdmin
from reports.admin.translations import (
    LanguagesByName,
    language_choices,
    language_name,
    language_of,
)
from reports.models import NotificationTemplate, StatementTemplate
from reports.models.choices import NotificationEvent
from reports.texts import messages as texts
from reports.texts.placeholders import STATEMENT_PLACEHOLDERS, braced

# The name of the Preview button, posted with the form.
PREVIEW = "_preview"


def _language_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Language"), choices=language_choices)


class LanguageFilter(admin.SimpleListFilter):
    """The texts of one language, each language by its name."""

    title = _("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        return language_choices()

    def queryset(self, request, queryset):
        return queryset.filter(language=self.value()) if self.value() else queryset


def _names(placeholders: dict[str, str]) -> str:
    return braced(placeholders) or "—"


class _Previewing:
    """Mixed into an admin form posted with Preview: once valid, it is shown again, not saved.

    The admin saves a form only when is_valid() says so; saying no to a valid form, which has no
    errors to show, makes it render the form again as posted, with nothing written, audited or
    logged. `preview` then holds what the admin's page shows of the text.
    """

    preview = None

    def make_preview(self, instance):
        raise NotImplementedError

    def is_valid(self) -> bool:
        if super().is_valid():
            self.preview = self.make_preview(self.instance)
        return False


class TextAdmin(LanguagesByName, AuditedConfigurationAdmin):
    """An admin for texts with placeholders, with a Preview button on its form.

    Saved changes are audited like all configuration; a preview saves nothing, so it is not.
    """

    change_form_template = "admin/reports/text_change_form.html"

    def make_preview(self, instance) -> dict:
        """What the preview panel shows: language, subject (or None) and body."""
        raise NotImplementedError

    def placeholder_help(self, request, obj) -> list[dict]:
        raise NotImplementedError

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if request.method == "POST" and PREVIEW in request.POST:
            form = type(form)(
                form.__name__,
                (_Previewing, form),
                {"make_preview": staticmethod(self.make_preview)},
            )
        return form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["preview"] = getattr(context["adminform"].form, "preview", None)
        context["placeholder_help"] = self.placeholder_help(request, obj)
        context["preview_button"] = PREVIEW
        return super().render_change_form(request, context, add, change, form_url, obj)


# Notification texts ----------------------------------------------------------------------------


class NotificationTemplateForm(forms.ModelForm):
    language = _language_field()

    class Meta:
        model = NotificationTemplate
        fields = ("event", "language", "subject", "body")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "body" not in self.fields:
            # Read by someone who may not change it: the admin shows the text without a form.
            return
        # The statement of reasons takes only a subject; clean() asks for a text elsewhere.
        self.fields["body"].required = False
        event = self.instance.event if self.instance.pk else None
        if event in texts.PLACEHOLDERS:
            allowed = _("Placeholders: %(names)s.") % {"names": _names(texts.PLACEHOLDERS[event])}
            self.fields["subject"].help_text = allowed
            self.fields["body"].help_text = allowed

    def clean(self):
        cleaned_data = super().clean()
        event, body = cleaned_data.get("event"), cleaned_data.get("body", "")
        if event in texts.SUBJECT_ONLY:
            if body:
                self.add_error(
                    "body",
                    _(
                        "Leave the text empty: the member reads the statement of reasons written "
                        "from the category's statement templates. Only the subject is used."
                    ),
                )
        elif event and not body and "body" not in self.errors:
            self.add_error("body", forms.Field.default_error_messages["required"])
        return cleaned_data


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(TextAdmin):
    form = NotificationTemplateForm
    list_display = ("event", language_of, "subject", "updated_at")
    list_filter = ("event", LanguageFilter)
    search_fields = ("subject", "body")
    readonly_fields = ("updated_at",)
    fields = ("event", "language", "subject", "body", "updated_at")

    def get_changeform_initial_data(self, request):
        """A new text for ?event=…&language=… starts from the built-in one."""
        initial = super().get_changeform_initial_data(request)
        event = initial.get("event")
        if event in texts.DEFAULTS:
            subject, body = texts.builtin_text(
                event, initial.get("language") or settings.LANGUAGE_CODE
            )
            initial.setdefault("subject", subject)
            initial.setdefault("body", body)
        return initial

    def make_preview(self, instance: NotificationTemplate) -> dict:
        subject, body = texts.preview(
            instance.event, language=instance.language, subject=instance.subject, body=instance.body
        )
        if instance.event in texts.SUBJECT_ONLY:
            body = None
        return {"language": language_name(instance.language), "subject": subject, "body": body}

    def placeholder_help(self, request, obj) -> list[dict]:
        events = [NotificationEvent(obj.event)] if obj else list(NotificationEvent)
        add_url = reverse("admin:reports_notificationtemplate_add")
        return [
            {
                "label": event.label,
                "placeholders": list(texts.PLACEHOLDERS[event].items()),
                "subject_only": event in texts.SUBJECT_ONLY,
                "start_from": (
                    []
                    if obj
                    else [
                        (name, f"{add_url}?{urlencode({'event': event, 'language': code})}")
                        for code, name in settings.LANGUAGES
                    ]
                ),
            }
            for event in events
        ]


# Statements of reasons -------------------------------------------------------------------------


class StatementTemplateForm(forms.ModelForm):
    language = _language_field()

    class Meta:
        model = StatementTemplate
        fields = ("category", "action", "language", "body")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "body" in self.fields:  # absent when read by someone who may not change it
            self.fields["body"].help_text = _("Placeholders: %(names)s.") % {
                "names": _names(STATEMENT_PLACEHOLDERS)
            }


@admin.register(StatementTemplate)
class StatementTemplateAdmin(TextAdmin):
    form = StatementTemplateForm
    list_display = ("category", "action", language_of, "updated_at")
    list_select_related = ("category",)
    list_filter = ("category", "action", LanguageFilter)
    readonly_fields = ("updated_at",)
    fields = ("category", "action", "language", "body", "updated_at")

    def make_preview(self, instance: StatementTemplate) -> dict:
        body = texts.preview_statement(
            instance.body,
            action=instance.action,
            language=instance.language,
            category=instance.category,
        )
        return {"language": language_name(instance.language), "subject": None, "body": body}

    def placeholder_help(self, request, obj) -> list[dict]:
        return [
            {
                "label": _("Statement of reasons"),
                "placeholders": list(STATEMENT_PLACEHOLDERS.items()),
                "subject_only": False,
                "start_from": [],
            }
        ]
