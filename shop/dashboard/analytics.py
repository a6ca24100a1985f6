"""The analytics page: what people looked at, added and ordered, and where they came
from, for a period compared with the one before; and its daily figures as CSV."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_babel import lazy_gettext as _l

from shop.analytics.chart import HEIGHT, WIDTH, bars
from shop.analytics.days import zone_of
from shop.analytics.periods import CHOICES, period_from
from shop.analytics.report import build_report
from shop.analytics.sources import SOURCES
from shop.dashboard.access import current_shop, shop_required
from shop.dashboard.blueprint import bp
from shop.lib import clock
from shop.lib.money import to_decimal
from shop.shops.exports import write_csv

SOURCE_NAMES = {
    "instagram": "Instagram",
    "facebook": "Facebook",
    "whatsapp": "WhatsApp",
    "tiktok": "TikTok",
    "google": "Google",
    "other": _l("Other sites"),
    "direct": _l("Direct"),
}
assert set(SOURCE_NAMES) == set(SOURCES)
STEP_NAMES = {
    "visitors": _l("Visitors"),
    "product_views": _l("Product views"),
    "adds": _l("Adds to cart"),
    "checkouts": _l("Checkouts opened"),
    "orders": _l("Orders"),
    "confirmed": _l("Confirmed"),
    "delivered": _l("Delivered"),
}
CSV_HEADER = (
    "day", "visitors", "shop_views", "product_views", "adds_to_cart", "checkouts_opened",
    "orders", "revenue", "confirmed", "delivered", "cancelled", "whatsapp_again",
)  # fmt: skip


def _report():
    shop = current_shop()
    zone = zone_of(shop)
    today = clock.now().astimezone(zone).date()
    args = request.args
    choice, period = period_from(
        args.get("period", "7"), args.get("start", ""), args.get("end", ""), today
    )
    return shop, choice, build_report(shop.id, period, zone), zone.key


@bp.get("/analytics")
@shop_required
def analytics():
    shop, choice, report, zone = _report()
    return render_template(
        "dashboard/analytics.html",
        shop=shop,
        choice=choice,
        choices=CHOICES,
        report=report,
        bars=bars(report.days),
        chart_size=(WIDTH, HEIGHT),
        source_names=SOURCE_NAMES,
        step_names=STEP_NAMES,
        zone=zone,
    )


@bp.get("/analytics.csv")
@shop_required
def analytics_csv():
    """The daily figures of the period; revenue in the shop's currency, as a plain number."""
    shop, _choice, report, _zone = _report()
    rows = (
        (
            d.day.isoformat(),
            d.visitors,
            d.shop_views,
            d.product_views,
            d.adds,
            d.checkouts,
            d.orders,
            str(to_decimal(d.revenue, shop.currency_exponent)),
            d.confirmed,
            d.delivered,
            d.cancelled,
            d.whatsapp_again,
        )
        for d in report.days
    )
    name = f"analytics-{report.period.start}-{report.period.end}.csv"
    return Response(
        write_csv(CSV_HEADER, rows, bom=False),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
