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

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model

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
    site_header = "hellomod · Trust & Safety"
    site_title = "hellomod admin"
    index_title = "Configuration and records"
    # The home page warns about categories, languages and tiers that no team works.
    index_template = "admin/hellomod_index.html"

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AudienceGuard):
            admin_class = type(
                admin_class.__name__,
                (AudienceGuard, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)
