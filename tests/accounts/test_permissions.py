"""A person's permissions: their own and their roles', read in one query."""

import pytest
from django.contrib.auth.models import Permission

from accounts.models import User
from tests.conftest import make_member, make_moderator


@pytest.mark.django_db
def test_own_and_role_permissions_are_read_in_one_query(django_assert_num_queries):
    moderator = make_moderator(role="Moderator")
    moderator.user_permissions.add(Permission.objects.get(codename="submit_for_members"))
    fresh = User.objects.get(pk=moderator.pk)

    with django_assert_num_queries(1):
        assert fresh.has_perm("reports.work_queue")  # from the role
        assert fresh.has_perm("reports.submit_for_members")  # their own
        assert not fresh.has_perm("reports.change_category")  # a T&S admin's


@pytest.mark.django_db
def test_inactive_people_and_members_hold_no_permission():
    moderator = make_moderator(role="Senior moderator")
    moderator.is_active = False
    moderator.save(update_fields=["is_active"])

    assert not User.objects.get(pk=moderator.pk).has_perm("reports.work_queue")
    assert User.objects.get(pk=make_member().pk).get_all_permissions() == set()


@pytest.mark.django_db
def test_superusers_hold_every_permission():
    admin = make_member(is_superuser=True, is_staff=True)

    assert User.objects.get(pk=admin.pk).get_all_permissions() == {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
    }
