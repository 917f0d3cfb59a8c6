"""Admin for people and moderator teams.

The people table holds every member of the community, tens of millions of rows: see
reports.admin.scale for how its changelist stays fast. A member's standing (status, strikes,
reporter record) is shown but not editable here: it changes through the moderation services,
which record why. Access, passwords and team coverage are saved by services/people.py, on the
record.
"""

from contextvars import ContextVar

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, TeamMembership, User
from accounts.roles import holds_more_than
from reports.admin.base import AuditedConfigurationAdmin, form_edit
from reports.admin.scale import IndexedSearchMixin, LargeTableMixin
from reports.services.people import save_person, save_team, set_password

MEMBER_STANDING = (
    "status",
    "restricted_until",
    "suspended_until",
    "strike_count",
    "reports_upheld",
    "reports_rejected",
    "reporting_suspended_until",
    # Kept by the trusted flagger registry: a member is one while their organisation is active.
    "is_trusted_flagger",
)

# Django's password page builds its form from the person alone: the admin setting the password
# is handed to the form's save for the length of that one request (see user_change_password).
_acting_admin: ContextVar[User] = ContextVar("acting_admin")


class PasswordForm(AdminPasswordChangeForm):
    """Django's password form, saved by the service that puts the change on the record."""

    def save(self, commit=True):
        usable = self.cleaned_data["set_usable_password"]
        return set_password(
            person=self.user,
            password=self.cleaned_data["password1"] if usable else None,
            actor=_acting_admin.get(),
        )


@admin.register(User)
class MemberAdmin(LargeTableMixin, UserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password", "public_id")}),
        (
            _("Member"),
            {
                "fields": (
                    "display_name",
                    ("native_language", "learning_languages"),
                    "preferred_language",
                    ("country", "birth_year", "gender"),
                    "self_introduction",
                    "avatar",
                )
            },
        ),
        (
            _("Standing"),
            {
                "description": _("Changed by moderation decisions, not here."),
                "fields": (
                    "status",
                    ("restricted_until", "suspended_until"),
                    "strike_count",
                ),
            },
        ),
        (
            _("As a reporter"),
            {
                "fields": (
                    "is_trusted_flagger",
                    ("reports_upheld", "reports_rejected"),
                    "reporting_suspended_until",
                )
            },
        ),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("public_id", *MEMBER_STANDING, "last_login", "date_joined")
    list_display = (
        "public_id",
        "display_name",
        "username",
        "status",
        "strike_count",
        "is_trusted_flagger",
        "is_staff",
        "date_joined",
    )
    list_display_links = ("public_id", "display_name")
    list_filter = ("status", "is_staff", "is_trusted_flagger", "native_language")
    # The unique indexes on public_id and username (and its varchar_pattern_ops twin) answer
    # these. E-mail is not indexed, so it is not searchable: one unindexed field in the OR would
    # make every search read the whole table.
    search_fields = ("public_id__exact", "username__startswith")
    search_help_text = _("Public member id, or the beginning of a username (case-sensitive).")
    ordering = ("-pk",)
    sortable_by = ("public_id", "username")
    change_password_form = PasswordForm

    def save_model(self, request, obj, form, change):
        save_person(
            edit=form_edit(form, created=not change),
            roles=form.cleaned_data.get("groups"),
            permissions=form.cleaned_data.get("user_permissions"),
            actor=request.user,
        )

    def save_related(self, request, form, formsets, change):
        """Roles and permissions are saved with the person (save_model); people have no inlines."""

    def has_change_permission(self, request, obj=None):
        # Whoever may change people changes only those who hold no more than they do (a
        # superuser's account, password included, is for superusers alone): otherwise they
        # could take such an account over.
        if obj is not None and holds_more_than(obj, request.user):
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            # Nobody hands out a role that holds more than their own.
            held = request.user.get_all_permissions()
            kwargs["queryset"] = Group.objects.filter(
                pk__in=[
                    group.pk
                    for group in Group.objects.prefetch_related("permissions__content_type")
                    if {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
                    <= held
                ]
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def user_change_password(self, request, id, form_url=""):
        acting = _acting_admin.set(request.user)
        try:
            with transaction.atomic():
                return super().user_change_password(request, id, form_url)
        finally:
            _acting_admin.reset(acting)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Whoever may change people must not be able to make anyone a superuser, themselves
            # included, nor hand out permissions one by one outside the three roles.
            readonly += ["is_superuser", "user_permissions"]
        return readonly


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 1
    autocomplete_fields = ("user",)
    fields = ("user", "is_on_call", "joined_at")
    readonly_fields = ("joined_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Team)
class TeamAdmin(AuditedConfigurationAdmin):
    list_display = ("name", "slug", "categories_covered", "languages", "member_count")
    list_filter = ("categories",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("categories",)
    fields = ("name", "slug", "description", "categories", "languages", "created_at")
    readonly_fields = ("created_at",)
    inlines = (TeamMembershipInline,)
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        save_team(
            edit=form_edit(form, created=not change),
            categories=form.cleaned_data.get("categories"),
            actor=request.user,
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(member_count=Count("memberships", distinct=True))
            .prefetch_related("categories")
        )

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, team: Team) -> int:
        return team.member_count

    @admin.display(description=_("categories covered"))
    def categories_covered(self, team: Team) -> str:
        return ", ".join(category.name for category in team.categories.all())


@admin.register(TeamMembership)
class TeamMembershipAdmin(IndexedSearchMixin, AuditedConfigurationAdmin):
    list_display = ("user", "team", "is_on_call", "joined_at")
    search_fields = ("user__public_id__exact", "user__username__startswith")
    list_filter = ("team", "is_on_call")
    list_select_related = ("user", "team")
    autocomplete_fields = ("user",)
    readonly_fields = ("joined_at",)
    show_full_result_count = False
