"""The Django admin, and who may open what in it.

The moderation pages (`/moderation/…`) are where moderators work; in the admin a moderator or a
senior reads the configuration only. Whatever holds a member's or a reporter's data — reports,
cases, evidence, content, decisions, people, tokens, messages, the audit trail — is for the Trust
& Safety admin role and superusers. That rule is written once, here: every model the admin
shows is placed in one audience below, and the site applies the audience to whatever admin class
registers the model, ours or a library's. A model registered without an audience opens for
superusers only, and the suite fails until it is given one.
"""

from enum import StrEnum
from typing import NamedTuple

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import reads_records


class Audience(StrEnum):
    # Every staff role may read it; Django's model permissions say who changes it.
    CONFIGURATION = "configuration"
    # Members' and reporters' data: the T&S admin role and superusers.
    RECORDS = "records"
    # Who holds which permission: superusers alone.
    SUPERUSERS = "superusers"


AUDIENCES: dict[str, Audience] = {
    # Configuration: categories and everything that hangs off them, texts, teams.
    "reports.category": Audience.CONFIGURATION,
    "reports.reason": Audience.CONFIGURATION,
    "reports.policy": Audience.CONFIGURATION,
    "reports.escalationtier": Audience.CONFIGURATION,
    "reports.ladderstep": Audience.CONFIGURATION,
    "reports.statementtemplate": Audience.CONFIGURATION,
    "reports.notificationtemplate": Audience.CONFIGURATION,
    "reports.ratelimit": Audience.CONFIGURATION,
    "reports.configurationjob": Audience.CONFIGURATION,
    # The trusted flaggers' registry: only T&S admins hold its permissions (accounts 0011).
    "reports.flaggerorganisation": Audience.CONFIGURATION,
    "reports.flaggermembership": Audience.CONFIGURATION,
    "reports.crisisresource": Audience.CONFIGURATION,
    "reports.misusepolicy": Audience.CONFIGURATION,
    # Entered by T&S admins for the transparency report (accounts 0013).
    "reports.activerecipients": Audience.CONFIGURATION,
    "accounts.team": Audience.CONFIGURATION,
    "accounts.teammembership": Audience.CONFIGURATION,
    # Records of members, reporters and what was done about them.
    "reports.content": Audience.RECORDS,
    "reports.referral": Audience.RECORDS,
    "reports.legalhold": Audience.RECORDS,
    "reports.evidencebundle": Audience.RECORDS,
    "reports.report": Audience.RECORDS,
    "reports.evidence": Audience.RECORDS,
    "reports.case": Audience.RECORDS,
    "reports.note": Audience.RECORDS,
    "reports.decision": Audience.RECORDS,
    "reports.enforcement": Audience.RECORDS,
    "reports.strike": Audience.RECORDS,
    "reports.bulkdecision": Audience.RECORDS,
    "reports.auditevent": Audience.RECORDS,
    "reports.notification": Audience.RECORDS,
    "reports.outboxmessage": Audience.RECORDS,
    "reports.webhookendpoint": Audience.RECORDS,
    "reports.webhookdelivery": Audience.RECORDS,
    "reports.appeal": Audience.RECORDS,
    "reports.appealevidence": Audience.RECORDS,
    # The daily figures (they name the moderators whose decisions were appealed).
    "reports.dailyfigure": Audience.RECORDS,
    "reports.figurecursor": Audience.RECORDS,
    # Statements of reasons sent to the EU Transparency Database, and what it answered.
    "reports.transparencystatement": Audience.RECORDS,
    "accounts.user": Audience.RECORDS,
    # Staff sign-in: failed sign-ins (addresses, usernames) and staff members' second factors.
    "axes.accessattempt": Audience.RECORDS,
    "otp_totp.totpdevice": Audience.RECORDS,
    "otp_static.staticdevice": Audience.RECORDS,
    # Roles and their permissions; API tokens, which sign in as a member or as the platform.
    "auth.group": Audience.SUPERUSERS,
    "authtoken.tokenproxy": Audience.SUPERUSERS,
}


class Section(NamedTuple):
    """A part of the admin's home page: the models one task needs, in the order it needs them."""

    slug: str
    name: Promise
    models: tuple[str, ...]


# The admin's home page, by task rather than by app. Every registered model is in one section
# (tests/reports/test_admin_home.py); each person sees the sections holding a model they may
# open, which AUDIENCES decides as above.
SECTIONS = (
    Section(
        "policies",
        _("Policies"),
        (
            "reports.category",
            "reports.reason",
            "reports.policy",
            "reports.escalationtier",
            "reports.ladderstep",
            "reports.statementtemplate",
            "reports.notificationtemplate",
            "reports.ratelimit",
            "reports.misusepolicy",
            "reports.crisisresource",
        ),
    ),
    Section(
        "people",
        _("Teams and people"),
        (
            "accounts.team",
            "accounts.teammembership",
            "accounts.user",
            "reports.flaggerorganisation",
            "reports.flaggermembership",
        ),
    ),
    Section(
        "records",
        _("Records"),
        (
            "reports.report",
            "reports.case",
            "reports.decision",
            "reports.bulkdecision",
            "reports.appeal",
            "reports.appealevidence",
            "reports.evidence",
            "reports.note",
            "reports.enforcement",
            "reports.strike",
            "reports.referral",
            "reports.legalhold",
            "reports.evidencebundle",
            "reports.content",
            "reports.auditevent",
            "reports.dailyfigure",
            "reports.figurecursor",
            "reports.transparencystatement",
            "reports.activerecipients",
        ),
    ),
    Section(
        "delivery",
        _("Delivery"),
        (
            "reports.notification",
            "reports.outboxmessage",
            "reports.webhookendpoint",
            "reports.webhookdelivery",
            "reports.configurationjob",
        ),
    ),
    Section(
        "access",
        _("Platform access"),
        (
            "authtoken.tokenproxy",
            "auth.group",
            "axes.accessattempt",
            "otp_totp.totpdevice",
            "otp_static.staticdevice",
        ),
    ),
)
# Where a model no section names would show, rather than nowhere (the test above fails on it).
OTHER = Section("other", _("Other"), ())


def audience_of(model: type[Model]) -> Audience:
    return AUDIENCES.get(model._meta.label_lower, Audience.SUPERUSERS)


def may_open(user, model: type[Model]) -> bool:
    """Whether this person may see the model in the admin at all.

    Django's model permissions are asked afterwards as usual: this only ever narrows them.
    """
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    audience = audience_of(model)
    if audience is Audience.CONFIGURATION:
        return True
    if audience is Audience.RECORDS:
        return reads_records(user)
    return False


class AudienceGuard:
    """Put before every registered admin class: its permissions, narrowed to its audience."""

    def has_module_permission(self, request):
        return may_open(request.user, self.model) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return may_open(request.user, self.model) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args, **kwargs):
        return may_open(request.user, self.model) and super().has_add_permission(
            request, *args, **kwargs
        )

    def has_change_permission(self, request, obj=None):
        return may_open(request.user, self.model) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_open(request.user, self.model) and super().has_delete_permission(request, obj)

    def history_view(self, request, object_id, extra_context=None):
        # Django looks the object up before it asks for permission: asked first, a refusal
        # says nothing about which ids exist.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def get_inline_instances(self, request, obj=None):
        # A page of one audience may show rows of another (a team's members are people): those
        # rows are left out for whoever may not open their model.
        return [
            inline
            for inline in super().get_inline_instances(request, obj)
            if may_open(request.user, inline.model)
        ]


class HellomodAdminSite(admin.AdminSite):
    site_header = _("hellomod · Trust & Safety")
    site_title = _("hellomod admin")
    index_title = _("Configuration and records")
    # The home page warns about categories, languages and tiers that no team works.
    index_template = "admin/hellomod_index.html"

    def get_app_list(self, request, app_label=None):
        """The sections of the home page (and of the menu beside every page) this person may
        open, each with its models in order; with `app_label`, only that app's models."""
        found = self._build_app_dict(request, app_label)
        by_label = {
            model["model"]._meta.label_lower: model
            for app in found.values()
            for model in app["models"]
        }
        listed = []
        for section in (*SECTIONS, OTHER):
            labels = section.models if section is not OTHER else sorted(by_label)
            models = [by_label.pop(label) for label in labels if label in by_label]
            if models:
                listed.append(
                    {
                        "name": section.name,
                        "app_label": section.slug,
                        "app_url": reverse(f"{self.name}:section", args=[section.slug]),
                        "has_module_perms": True,
                        "models": models,
                    }
                )
        return listed

    def get_urls(self):
        return [
            path("section/<slug:section>/", self.admin_view(self.section_view), name="section"),
            *super().get_urls(),
        ]

    def section_view(self, request, section: str):
        """One section of the home page, as Django shows one app."""
        shown = [s for s in self.get_app_list(request) if s["app_label"] == section]
        if not shown:
            raise Http404("No such section, or nothing in it for you.")
        context = {
            **self.each_context(request),
            "title": shown[0]["name"],
            "subtitle": None,
            "app_list": shown,
            "app_label": section,
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/app_index.html", context)

    def app_index(self, request, app_label, extra_context=None):
        # The page of one app (its models, in their sections) is titled by the app, not by
        # the first of its sections.
        name = apps.get_app_config(app_label).verbose_name
        title = gettext("%(app)s administration") % {"app": name}
        return super().app_index(request, app_label, {"title": title, **(extra_context or {})})

    def each_context(self, request):
        context = super().each_context(request)
        # Each model page's breadcrumbs lead back to its section (templates/admin/).
        context["admin_section"] = self._section_of(request, context["available_apps"])
        return context

    @staticmethod
    def _section_of(request, sections: list[dict]) -> dict | None:
        match = getattr(request, "resolver_match", None)
        url_name = getattr(match, "url_name", None) or ""
        for section in sections:
            for model in section["models"]:
                opts = model["model"]._meta
                if url_name.startswith(f"{opts.app_label}_{opts.model_name}_"):
                    return {"name": section["name"], "url": section["app_url"]}
        return None

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AudienceGuard):
            admin_class = type(
                admin_class.__name__,
                (AudienceGuard, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)
