"""Role checks for staff routes: anonymous visitors go to login, wrong roles get 403."""
from functools import wraps

from flask import abort
from flask_login import current_user

from ..extensions import login_manager
from ..permissions import enter_consultation


def role_required(*roles: str):
    def decorator(view):
        view.required_roles = roles

        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            enter_consultation(kwargs.get("slug"))
            if roles and not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def staff_required(view):
    """Any signed-in staff member, whatever the role."""
    return role_required()(view)
