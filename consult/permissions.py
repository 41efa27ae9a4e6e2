"""Named permissions and the roles that hold them: the one place that says who may do what.

Views take a permission with `permission_required("code_comments")`, templates ask `can("code_comments")`,
services ask `user.can("code_comments")`. Adding a role, or giving a role a permission, is a change to
PERMISSIONS alone.
"""
from functools import wraps

from flask import abort
from flask_login import current_user

from .extensions import login_manager

# permission -> roles that hold it
PERMISSIONS: dict[str, frozenset[str]] = {
    "manage_consultations": frozenset({"admin"}),
    "manage_staff": frozenset({"admin"}),
    "run_forums": frozenset({"organizer", "admin"}),
    "take_notes": frozenset({"organizer", "analyst", "admin"}),
    # Upload a recording's transcript and say who each speaker is (names are seen here only).
    "upload_transcripts": frozenset({"organizer", "admin"}),
    # Read transcripts (pseudonyms only) and place their turns on topics.
    "place_transcripts": frozenset({"analyst", "coordinator", "admin"}),
    # See which held sessions have a transcript and how many turns wait to be placed.
    "follow_transcripts": frozenset({"organizer", "analyst", "coordinator", "admin"}),
    "manage_questionnaire": frozenset({"organizer", "admin"}),
    "read_responses": frozenset({"organizer", "analyst", "coordinator", "admin"}),
    "read_submissions": frozenset({"organizer", "analyst", "coordinator", "admin"}),
    "process_submissions": frozenset({"analyst", "coordinator", "admin"}),
    "read_comments": frozenset({"analyst", "coordinator", "admin"}),
    "code_comments": frozenset({"analyst", "coordinator", "admin"}),
    "assign_second_coding": frozenset({"coordinator", "admin"}),
    "export_comments": frozenset({"analyst", "coordinator", "admin"}),
    "export_identified_data": frozenset({"admin"}),
    "read_report": frozenset({"analyst", "coordinator", "admin"}),
    "read_participation": frozenset({"organizer", "analyst", "coordinator", "admin"}),
    "review_suggestions": frozenset({"analyst", "coordinator", "admin"}),
    "manage_privacy": frozenset({"admin"}),
    "build_items": frozenset({"analyst", "coordinator", "admin"}),
    "decide_items": frozenset({"coordinator", "admin"}),
    "manage_review": frozenset({"coordinator", "admin"}),
    "publish_outcome": frozenset({"coordinator", "admin"}),
    # Evaluation of the engagement: results are anonymous and grouped, so every reader of reports may see them.
    "read_evaluation": frozenset({"organizer", "analyst", "coordinator", "admin"}),
    "edit_evaluation": frozenset({"organizer", "coordinator", "admin"}),
    "edit_glossary": frozenset({"organizer", "coordinator", "admin"}),
    # The evaluation delay and the readability target of a consultation's public texts.
    "set_engagement_targets": frozenset({"coordinator", "admin"}),
    # Partners: the compensation policy, the ledger's decisions and its export for finance.
    "manage_compensation": frozenset({"coordinator", "admin"}),
    "approve_expenses": frozenset({"coordinator", "admin"}),
    "export_ledger": frozenset({"coordinator", "admin"}),
    # Attestations of participation in bulk: organizers, who take attendance and hand them out at the end
    # of a consultation, issue them too. Each PDF holds only its person's sessions and paid amounts; the
    # ledger itself (everyone's amounts, claims, receipts) stays with manage_compensation.
    "issue_attestations": frozenset({"organizer", "coordinator", "admin"}),
    "set_targets": frozenset({"coordinator", "admin"}),
    "invite_from_pool": frozenset({"organizer", "coordinator", "admin"}),
    # Say whether a participant of another consultation with a pool member's address is that person.
    "match_pool_members": frozenset({"organizer", "coordinator", "admin"}),
}

# What a reviewer (a partner reached by a personal link, not a staff account) may do, and only on
# the report versions of the consultation the link was made for.
REVIEWER_PERMISSIONS = frozenset({"read_report_versions", "comment_report_versions"})


def roles_with(permission: str) -> frozenset[str]:
    try:
        return PERMISSIONS[permission]
    except KeyError:
        raise ValueError(f"unknown permission {permission!r}") from None


def user_can(user, permission: str, consultation=None) -> bool:
    """Whether `user` (a StaffUser, or an anonymous user) holds `permission`, in `consultation` when
    given (roles held site-wide plus those held in that consultation), else where the user is acting
    now (see enter_consultation) or site-wide."""
    roles = roles_with(permission)
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    held = user.roles_in(consultation.id) if consultation is not None else user.roles
    return bool(held & roles)


def reviewer_can(reviewer, permission: str, consultation) -> bool:
    """Whether the reviewer behind a personal link may do `permission` on `consultation`."""
    if permission not in REVIEWER_PERMISSIONS:
        raise ValueError(f"unknown reviewer permission {permission!r}")
    return reviewer is not None and consultation is not None and reviewer.consultation_id == consultation.id


def can(permission: str, consultation=None) -> bool:
    """The signed-in staff member's permission; a template global."""
    return user_can(current_user, permission, consultation)


def enter_consultation(slug: str | None) -> None:
    """Scope the signed-in account to the consultation of a /staff/consultations/<slug>/ view.

    A consultation the account holds no role in does not exist for it (404), so an analyst of one
    consultation learns nothing of the others. Unknown slugs are left to the view's own 404.
    """
    if slug is None:
        return
    # Imported here: the models import this module (StaffUser.can), not the reverse.
    from .consultations import consultation_by_slug

    consultation = consultation_by_slug(slug)
    if consultation is None:
        return
    if not current_user.may_enter(consultation.id):
        abort(404)
    current_user.acting_in = consultation.id


def permission_required(permission: str):
    """Staff route guard: anonymous visitors go to the sign-in page, others without it get 403."""
    roles_with(permission)  # an unknown name fails at import, not at the first request

    def decorator(view):
        view.required_permission = permission
        view.required_roles = tuple(sorted(roles_with(permission)))

        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            enter_consultation(kwargs.get("slug"))
            if not user_can(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def staff_required(view):
    """Any signed-in staff member, whatever the role (the staff home and a consultation's overview)."""
    view.required_roles = ()

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        enter_consultation(kwargs.get("slug"))
        return view(*args, **kwargs)

    return wrapped
