"""The app's and the platform's token, read with its member and the member's permissions."""

from django.contrib.auth.models import Group
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from accounts.models import User


def _statement() -> tuple[str, list[str]]:
    quote = connection.ops.quote_name
    fields = [f for f in User._meta.concrete_fields if f.column]
    user_perms = User.user_permissions.through._meta
    user_groups = User.groups.through._meta
    group_perms = Group.permissions.through._meta
    columns = ", ".join(f"u.{quote(f.column)}" for f in fields)
    sql = (
        f"SELECT {columns}, t.{quote('created')}, ARRAY("  # noqa: S608
        f"SELECT ct.{quote('app_label')} || '.' || p.{quote('codename')} "
        f"FROM {quote('auth_permission')} p "
        f"JOIN {quote('django_content_type')} ct "
        f"ON ct.{quote('id')} = p.{quote('content_type_id')} "
        f"WHERE p.{quote('id')} IN (SELECT {quote('permission_id')} "
        f"FROM {quote(user_perms.db_table)} WHERE {quote('user_id')} = u.{quote('id')}) "
        f"OR p.{quote('id')} IN (SELECT gp.{quote('permission_id')} "
        f"FROM {quote(group_perms.db_table)} gp JOIN {quote(user_groups.db_table)} ug "
        f"ON ug.{quote('group_id')} = gp.{quote('group_id')} "
        f"WHERE ug.{quote('user_id')} = u.{quote('id')})) "
        f"FROM {quote(Token._meta.db_table)} t "
        f"JOIN {quote(User._meta.db_table)} u ON u.{quote('id')} = t.{quote('user_id')} "
        f"WHERE t.{quote('key')} = %s"
    )
    return sql, [f.attname for f in fields]


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, in one query where DRF's and the first permission check take
    two: the token, its member, and the member's permissions (their own and their roles'), kept
    on the member as the permission backend keeps them (accounts/backends.py)."""

    _statement: tuple[str, list[str]] | None = None

    def authenticate_credentials(self, key):
        if connection.vendor != "postgresql":
            return super().authenticate_credentials(key)
        if TokenAuthentication._statement is None:
            TokenAuthentication._statement = _statement()
        sql, names = TokenAuthentication._statement
        with connection.cursor() as cursor:
            cursor.execute(sql, [key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = User.from_db(connection.alias, names, row[: len(names)])
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if not user.is_superuser:  # a superuser has every permission, read when asked
            user._perm_cache = set(row[-1])
        token = Token(key=key, user=user, created=row[len(names)])
        token._state.adding = False
        token._state.db = connection.alias
        return user, token
