"""The merchant's blueprint: every URL under /dashboard needs a signed-in merchant."""

from flask import Blueprint
from flask_login import login_required

from shop.dashboard.access import current_role, current_shop, member_shops
from shop.dashboard.capabilities import check_capability, may_open
from shop.web import limits
from shop.web.locale import use_shop_timezone

bp = limits.posts_ceiling(Blueprint("dashboard", __name__, url_prefix="/dashboard"))


@bp.before_request
@login_required
def require_sign_in():
    """Every dashboard page is for signed-in members only, and each asks for a capability."""
    check_capability()


@bp.after_request
def no_store(response):
    # Merchant pages are private: never kept by a shared cache or the back button of another user.
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Cookie")
    return response


@bp.context_processor
def inject_shop():
    shop = current_shop()
    if shop is not None:
        use_shop_timezone(shop)  # dates on the merchant's pages in the shop's time
    return {
        "current_shop": shop,
        "current_role": current_role(),
        "member_shops": member_shops,
        "may_open": may_open,
    }
