from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from .passwords import MIN_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(message=_l("Enter your email address."))],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(message=_l("Enter your password."))],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()


def new_password_field():
    return PasswordField(
        _l("New password"),
        validators=[DataRequired(message=_l("Enter a new password.")),
                    Length(min=MIN_LENGTH, max=200,
                           message=_l("The new password must have at least %(min)d characters.", min=MIN_LENGTH))],
        description=_l("At least %(min)d characters. A phrase of several words is easy to remember.",
                       min=MIN_LENGTH),
        render_kw={"autocomplete": "new-password"})


def confirm_field():
    return PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(message=_l("Repeat the new password.")),
                    EqualTo("new_password", message=_l("The two new passwords are different."))],
        render_kw={"autocomplete": "new-password"})


class SetPasswordForm(FlaskForm):
    """A new password, typed twice (an invitation or a reset link)."""
    new_password = new_password_field()
    confirm = confirm_field()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(message=_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"})
    new_password = new_password_field()
    confirm = confirm_field()
