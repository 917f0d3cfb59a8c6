"""What every configuration page of the admin shares: how a form's change is described to the
services (form_changes, form_edit, inline_edits), the fields its forms use (ConfigurationFields)
and the audited page they save through.
"""

import contextlib
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet

from reports.admin.durations import DurationsInWords
from reports.services.configuration import (
    Edit,
    delete_configuration,
    plain,
    save_configuration,
)


def form_changes(
    form: forms.BaseForm, *, created: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """What an admin form changed, as (before, after) of the changed fields only.

    For a new row, `after` holds every field, defaults included: the record shows what was
    set up, not only what differed from the defaults. The fields of a TranslationsForm are
    recorded as the one field they write, `translations`.
    """
    per_language = set(getattr(form, "translation_names", ()))
    if created:
        after = {
            name: plain(value)
            for name, value in form.cleaned_data.items()
            if name not in per_language
        }
        if per_language:
            after["translations"] = form.instance.translations
        return {}, after
    before, after = {}, {}
    if per_language & set(form.changed_data):
        was, now = form.stored_translations, form.instance.translations
        if was != now:
            before["translations"], after["translations"] = was, now
    for name in form.changed_data:
        if name in per_language:
            continue
        field = form.fields[name]
        initial = form.get_initial_for_field(field, name)
        if isinstance(field, forms.ModelChoiceField) and initial is not None:
            with contextlib.suppress(ValidationError):
                initial = field.to_python(getattr(initial, "pk", initial))
        was, now = plain(initial), plain(form.cleaned_data.get(name))
        if was != now:  # a form may call a field changed that only changed its spelling
            before[name], after[name] = was, now
    return before, after


def form_edit(form: forms.BaseForm, *, created: bool) -> Edit:
    """The form's row, with the values it was given, and what they change."""
    return Edit(form.instance, *form_changes(form, created=created))


def inline_edits(formset: BaseInlineFormSet) -> tuple[list[Edit], list[models.Model]]:
    """What an inline formset changed: its edited and new rows (new ones pointing at the page's
    row), and the rows ticked for deletion.

    It also lists them on the formset, as the formset's own save would, for the admin's log.
    """
    ticked = formset.deleted_forms
    deleted = [form.instance for form in ticked if form.instance.pk is not None]
    edits: list[Edit] = []
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], deleted
    for form in formset.forms:
        if form in ticked or not form.has_changed():
            continue
        created = not form.initial
        if created:
            setattr(form.instance, formset.fk.name, formset.instance)
            formset.new_objects.append(form.instance)
        else:
            formset.changed_objects.append((form.instance, form.changed_data))
        edits.append(form_edit(form, created=created))
    return edits, deleted


class TextWithNewlines(forms.CharField):
    """Text as browsers post it (CRLF) compares equal to the same text stored with LF."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class ConfigurationFields(DurationsInWords):
    """Configuration pages and their inlines: durations in days, hours and minutes (read in
    words where they are not edited); long texts keep their newlines."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.TextField):
            kwargs.setdefault("form_class", TextWithNewlines)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ConfigurationAdmin(ConfigurationFields, admin.ModelAdmin):
    show_full_result_count = False


class AuditedConfigurationAdmin(ConfigurationAdmin):
    """Saves and deletes through the configuration services, which put every change, the
    inlines' included, on the record.

    Many-to-many fields are not saved here: the admins with one (people, teams) call a service
    that takes them.
    """

    def save_model(self, request, obj, form, change):
        save_configuration(edits=[form_edit(form, created=not change)], actor=request.user)

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            edits, deleted = inline_edits(formset)
            save_configuration(edits=edits, deleted=deleted, actor=request.user)

    def delete_model(self, request, obj):
        delete_configuration(rows=[obj], actor=request.user)

    def delete_queryset(self, request, queryset):
        delete_configuration(rows=queryset, actor=request.user)


class HttpsAddresses:
    """A web address typed without its scheme is taken as https, never as plain http."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def _holds_an_error(form: forms.BaseForm, fields) -> bool:
    names = set()
    for entry in fields:
        names.update(entry if isinstance(entry, list | tuple) else (entry,))
    return bool(names & set(form.errors))


def _opened(options: dict) -> dict:
    return {**options, "classes": [c for c in options.get("classes", ()) if c != "collapse"]}


class OpenSectionsWithErrors:
    """A page in collapsed sections shows every section holding an error open.

    Django opens a collapsed fieldset whose own fields have errors, but not when they sit
    several to a line, and opens an inline whose forms have errors, but not for an error of the
    inline as a whole (a ladder with a gap, a tier missing): those are opened here.
    """

    def render_change_form(self, request, context, *args, **kwargs):
        adminform = context.get("adminform")
        if adminform is not None and adminform.form.errors:
            form = adminform.form
            adminform.fieldsets = [
                (name, _opened(opts) if _holds_an_error(form, opts["fields"]) else opts)
                for name, opts in adminform.fieldsets
            ]
        for inline in context.get("inline_admin_formsets", ()):
            if inline.formset.is_bound and inline.formset.non_form_errors():
                inline.classes = " ".join(c for c in inline.classes.split() if c != "collapse")
        return super().render_change_form(request, context, *args, **kwargs)
