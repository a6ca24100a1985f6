"""The team page's forms: an invitation, and a member's new role."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField
from wtforms.validators import Email, Length, Optional

from shop.models import Role


def role_choices():
    return [(Role.STAFF.value, _l("Staff")), (Role.MANAGER.value, _l("Manager"))]


class InviteForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices)
    email = EmailField(
        _l("E-mail (optional)"),
        filters=[lambda value: (value or "").strip()],
        validators=[Optional(), Length(max=320), Email(check_deliverability=False)],
    )


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices)
