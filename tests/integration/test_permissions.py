"""Named permissions decide who may do what, for views, templates and services alike."""
import pytest

from consult.models import StaffUser
from consult.permissions import PERMISSIONS, permission_required, user_can


def staff(*roles):
    user = StaffUser(email="x@example.org", password_hash="x", active=True)
    for role in roles:
        user.grant(role)
    return user


def test_each_role_holds_what_it_is_named_for():
    assert staff("analyst").can("code_comments")
    assert not staff("organizer").can("code_comments")
    assert staff("organizer").can("run_forums")
    assert not staff("analyst").can("run_forums")
    assert staff("admin").can("export_identified_data")
    assert not staff("coordinator").can("export_identified_data")


def test_anonymous_visitors_hold_nothing():
    assert not user_can(None, "read_comments")


def test_an_unknown_permission_fails_where_it_is_named():
    with pytest.raises(ValueError):
        permission_required("fly")
    with pytest.raises(ValueError):
        staff("admin").can("fly")


def test_every_permission_names_known_roles():
    from consult.models import ROLES
    for roles in PERMISSIONS.values():
        assert roles <= set(ROLES)
