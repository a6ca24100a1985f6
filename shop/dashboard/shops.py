"""Shop set-up, settings and switching between a merchant's shops."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from shop.dashboard.access import current_shop, member_shop_or_404, select_shop, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.noting import noted_whole, whole
from shop.dashboard.shop_forms import SettingsForm, SetupForm, ShopForm
from shop.extensions import db
from shop.lib.locales import LANGUAGES, app_language, region_language
from shop.lib.phones import default_currency, guess_region, split_whatsapp
from shop.media.pipeline import ImageRejected
from shop.models import ActivityKind
from shop.shops.first_delivery import add_first_delivery
from shop.shops.settings import (
    MAX_SHOPS_PER_OWNER,
    ShopError,
    change_slug,
    create_shop,
    remove_logo,
    set_logo,
    update_shop,
)
from shop.shops.slugs import SlugError, taken_message
from shop.web import limits


@bp.route("/setup", methods=["GET", "POST"])
@limits.photo_uploads
def setup():
    """Create a shop: the first one after signing in, or another one later."""
    owner = current_user._get_current_object()
    if len(owner.shops) >= MAX_SHOPS_PER_OWNER:
        flash(_("You can have at most %(max)d shops.", max=MAX_SHOPS_PER_OWNER), "error")
        return redirect(url_for(".settings"))
    form = SetupForm(owner=owner)
    if request.method == "GET":
        region = guess_region(request.accept_languages.values())
        form.country.data = region
        form.currency.data = default_currency(region)
        # The shop speaks its country's language (a Spanish shop whose merchant reads
        # English still sells in Spanish); elsewhere the merchant's browser decides.
        language = region_language(region) or app_language(str(get_locale() or ""))
        form.language.data = language if language in LANGUAGES else "es"
    if form.validate_on_submit():
        if form.twin is not None:  # the same form sent twice: the shop already exists
            select_shop(form.twin)
            return redirect(url_for(".home"))
        shop = _save(form, lambda: _create(owner, form))
        if shop is not None:
            select_shop(shop)
            flash(
                _("Your shop %(name)s is ready. Add your first products.", name=shop.name),
                "success",
            )
            if form.slug_varied_from:
                flash(
                    _(
                        "%(taken)s was taken, so your shop link is %(slug)s. "
                        "You can change it in Settings.",
                        taken=form.slug_varied_from,
                        slug=shop.slug,
                    ),
                    "success",
                )
            return redirect(url_for(".home"))
    status = 422 if form.errors else 200
    return render_template("dashboard/shops/setup.html", form=form, first=not owner.shops), status


def _create(owner, form: SetupForm):
    shop = create_shop(owner, slug=form.slug.data, **form.shop_values())
    add_first_delivery(shop, **form.delivery_values())
    if form.logo.data:
        set_logo(shop, form.logo.data.stream)
    return shop


@bp.route("/settings", methods=["GET", "POST"])
@limits.photo_uploads
@shop_required
def settings():
    """Change anything set up at the start, pause the shop, change its link."""
    shop = current_shop()
    owner = current_user._get_current_object()
    data = None
    if request.method == "GET":
        country, phone = split_whatsapp(shop.whatsapp)
        data = {
            "name": shop.name,
            "description": shop.description,
            "slug": shop.slug,
            "country": country,
            "phone": phone,
            "currency": shop.currency,
            "language": shop.language,
            "paused": shop.paused,
            "pause_message": shop.pause_message,
        }
    form = SettingsForm(owner=owner, shop=shop, data=data)
    if form.validate_on_submit():
        old_slug = shop.slug
        if _save(form, lambda: _update(shop, form)) is not None:
            flash(_("Settings saved."), "success")
            if shop.slug != old_slug:
                flash(
                    _(
                        "Your shop link is now /s/%(slug)s. Old links keep working.",
                        slug=shop.slug,
                    ),
                    "success",
                )
            return redirect(url_for(".settings"))
    status = 422 if form.errors else 200
    return render_template("dashboard/shops/settings.html", form=form, shop=shop), status


def _update(shop, form: SettingsForm):
    before = whole(shop)
    change_slug(shop, form.slug.data)
    update_shop(shop, **form.shop_values())
    if form.logo.data:
        set_logo(shop, form.logo.data.stream)
    elif form.remove_logo.data:
        remove_logo(shop)
    noted_whole(shop, before, ActivityKind.SETTINGS, shop.name)
    return shop


def _save(form: ShopForm, change):
    """Run `change` and commit once; on a refusal roll back and show it on the form."""
    try:
        result = change()
        db.session.commit()
    except ImageRejected as error:
        db.session.rollback()
        form.logo.errors.append(str(error))
    except SlugError as error:
        db.session.rollback()
        form.slug.errors.append(str(error))
    except ShopError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
    except IntegrityError:
        # Someone took the same link between our check and the commit.
        db.session.rollback()
        form.slug.errors.append(taken_message(form.slug.data, form.name.data, form.shop))
    else:
        return result
    return None


@bp.route("/switch", methods=["POST"])
def switch_shop():
    """Work on another of the merchant's shops (the switcher in the top bar)."""
    shop_id = request.form.get("shop_id", "")
    if not (shop_id.isascii() and shop_id.isdigit()) or not 0 < int(shop_id) < 2**31:
        abort(404)
    shop = member_shop_or_404(int(shop_id))
    select_shop(shop)
    flash(_("You are working on %(name)s.", name=shop.name), "success")
    return redirect(url_for(".home"))
