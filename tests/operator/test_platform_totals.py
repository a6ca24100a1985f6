"""Issue 22: operators see platform-wide totals (shops, orders, visitors per day)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from shop.extensions import db
from shop.models import DailyCount, Shop
from tests import factories

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def test_the_operator_page_shows_platform_totals_by_day(app, client, operator, other_shop):
    app.config["CLOCK"] = lambda: NOW
    with app.app_context():
        sol = db.session.get(Shop, other_shop)
        sol.created_at = datetime(2026, 12, 4, 9, 0)
        luna = factories.make_shop(factories.make_user("Luna"), slug="luna", name="Luna 🌙")
        db.session.flush()
        luna.created_at = datetime(2026, 12, 5, 9, 0)
        for shop, moment in (
            (sol, datetime(2026, 12, 5, 8)),
            (luna, datetime(2026, 12, 5, 9)),
            (sol, datetime(2026, 12, 3, 8)),
            (sol, datetime(2026, 10, 1)),
        ):
            factories.make_order(shop, [("Té", 500, 1)], created_at=moment)  # fmt: skip
        for shop, day, count in (
            (sol, date(2026, 12, 5), 7),
            (luna, date(2026, 12, 5), 3),
            (sol, date(2026, 12, 1), 2),
        ):
            db.session.add(DailyCount(shop_id=shop.id, day=day, kind="visitor", item_id=0,
                                      count=count))  # fmt: skip
        db.session.commit()
    page = client.get("/operator/").get_data(as_text=True)
    assert "2 shops in all" in page

    def row(day: str) -> list[str]:
        found = re.search(rf'<tr data-day="{day}">(.*?)</tr>', page)
        assert found is not None, day
        return re.findall(r"<td>([^<]*)</td>", found.group(1))[1:]

    assert row("2026-12-05") == ["1", "2", "10"]
    assert row("2026-12-04") == ["1", "0", "0"]
    assert row("2026-12-03") == ["0", "1", "0"]
    assert row("2026-12-01") == ["0", "0", "2"]
    assert "2026-10-01" not in page.split("platform-totals")[1].split("</section>")[0]


def test_merchants_do_not_see_it(client, merchant):
    assert client.get("/operator/").status_code == 404
