"""The team page (the owner's): who works on the shop, invitations, handing it over;
and the page where an invitee joins. Rules live in shop.shops.team."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from shop.activity import record
from shop.dashboard.access import current_shop, owned_or_404, select_shop, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.noting import noted, person
from shop.dashboard.team_forms import InviteForm, RoleForm
from shop.extensions import db
from shop.mail import mail_configured, send_mail
from shop.models import ActivityKind, Invitation, Membership, Role
from shop.shops import team
from shop.shops.team import TeamError


def _page(form: InviteForm, link: str | None = None, status: int = 200):
    shop = current_shop()
    return render_template(
        "dashboard/team/team.html",
        shop=shop,
        form=form,
        role_form=RoleForm(),
        members=team.members(shop),
        invitations=team.open_invitations(shop),
        link=link,
        mail=mail_configured(),
    ), status


@bp.route("/team", methods=["GET"])
@shop_required
def team_page():
    return _page(InviteForm())


@bp.route("/team/invite", methods=["POST"])
@shop_required
def invite():
    """Make an invitation link; show it once, and e-mail it when mail is configured."""
    form = InviteForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    shop = current_shop()
    me = current_user._get_current_object()
    try:
        _invitation, token = team.invite(shop, Role(form.role.data), me, form.email.data or "")
    except TeamError as error:
        form.form_errors.append(str(error))
        return _page(form, status=422)
    link = url_for(".join", invite_token=token, _external=True)
    email = form.email.data or ""
    noted(ActivityKind.TEAM, email, details={"invited": form.role.data, "email": email})
    db.session.commit()
    if form.email.data and mail_configured():
        with force_locale(shop.language):
            subject = _("Join %(shop)s on Vitrina", shop=shop.name)
            text = _(
                "%(name)s invites you to work on %(shop)s. Open this link to join "
                "(it works once, for 7 days): %(link)s",
                name=me.name or me.email,
                shop=shop.name,
                link=link,
            )
        send_mail(form.email.data, subject, text, locale=shop.language, shop_id=shop.id)
        flash(_("The invitation was sent to %(email)s.", email=form.email.data), "success")
    return _page(InviteForm(), link=link, status=201)


@bp.route("/team/invitations/<int:invitation_id>/revoke", methods=["POST"])
@shop_required
def revoke_invitation(invitation_id: int):
    invitation = owned_or_404(Invitation, invitation_id)
    team.revoke(invitation)
    details = {"withdrawn": invitation.role.value, "email": invitation.email}
    noted(ActivityKind.TEAM, invitation.email, details=details)
    db.session.commit()
    flash(_("The invitation was withdrawn; its link no longer works."), "success")
    return redirect(url_for(".team_page"))


@bp.route("/team/members/<int:member_id>/remove", methods=["POST"])
@shop_required
def remove_member(member_id: int):
    membership = owned_or_404(Membership, member_id)
    who, role = person(membership), membership.role.value
    try:
        team.remove(membership)
    except TeamError as error:
        flash(str(error), "error")
        return redirect(url_for(".team_page"))
    noted(ActivityKind.TEAM, who, details={"removed": role})
    db.session.commit()
    flash(_("They are no longer in the team, and were signed out."), "success")
    return redirect(url_for(".team_page"))


@bp.route("/team/members/<int:member_id>/role", methods=["POST"])
@shop_required
def change_member_role(member_id: int):
    membership = owned_or_404(Membership, member_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(422)
    was = membership.role.value
    try:
        team.change_role(membership, Role(form.role.data))
    except TeamError as error:
        flash(str(error), "error")
        return redirect(url_for(".team_page"))
    noted(ActivityKind.TEAM, person(membership), details={"role": [was, membership.role.value]})
    db.session.commit()
    flash(_("Role changed."), "success")
    return redirect(url_for(".team_page"))


@bp.route("/team/members/<int:member_id>/owner", methods=["POST"])
@shop_required
def hand_over(member_id: int):
    membership = owned_or_404(Membership, member_id)
    try:
        team.hand_over(current_shop(), membership, current_user._get_current_object())
    except TeamError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".team_page"))
    owners = [person(current_user), person(membership)]
    noted(ActivityKind.TEAM, owners[1], details={"owner": owners})
    db.session.commit()
    flash(_("The shop has a new owner; you are now one of its managers."), "success")
    return redirect(url_for(".home"))


@bp.route("/team/leave", methods=["POST"])
@shop_required
def leave_shop():
    """Leave the current shop (managers and staff); the dashboard opens another or set-up."""
    shop = current_shop()
    membership = team.membership_of(shop.id, current_user.id)
    role = membership.role.value if membership is not None else None
    try:
        team.leave(membership)
    except TeamError as error:
        flash(str(error), "error")
        return redirect(url_for(".home"))
    record(shop, ActivityKind.TEAM, person(current_user), by=current_user, details={"left": role})
    db.session.commit()
    flash(_("You left %(shop)s.", shop=shop.name), "success")
    return redirect(url_for(".home"))


@bp.route("/join/<invite_token>", methods=["GET", "POST"])
def join(invite_token: str):
    """An invitee's page: what they are joining, and one button; any refusal says why."""
    invitation = team.invitation_for(invite_token)
    me = current_user._get_current_object()
    problem = team.problem_with(invitation, me)
    if problem is not None:
        return render_template("dashboard/team/join.html", problem=problem), 410
    if request.method == "POST":
        try:
            membership = team.accept(invitation, me)
        except TeamError as error:
            db.session.rollback()
            return render_template("dashboard/team/join.html", problem=str(error)), 409
        shop = membership.shop
        details = {"joined": membership.role.value}
        record(shop, ActivityKind.TEAM, person(me), by=me, details=details)
        db.session.commit()
        select_shop(shop)
        flash(_("Welcome to the team of %(shop)s.", shop=shop.name), "success")
        return redirect(url_for(".home"))
    return render_template("dashboard/team/join.html", invitation=invitation)
