"""Issue 22: the share page builds links tagged with where they are posted, each with
a copy button; a shopper who comes by one is counted under its source and campaign."""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from shop.extensions import db
from shop.models import DailySource, Shop
from shop.sharing.tagged_links import tagged
from tests.analytics.test_collection import PHONE_UA


def test_the_share_page_has_three_tagged_links_with_copy_buttons(app, client, merchant):
    with app.app_context():
        slug = db.session.get(Shop, merchant[1]).slug
    page = client.get("/dashboard/share").get_data(as_text=True)
    found = {}
    for name in ("instagram_bio", "instagram_story", "whatsapp_status"):
        field = re.search(rf'id="tagged-{name}" value="([^"]+)" readonly>', page)
        assert field is not None, name
        assert f'data-copy="tagged-{name}"' in page
        url = urlsplit(unescape(field.group(1)))
        assert url.path == f"/s/{slug}"
        found[name] = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert found == {
        "instagram_bio": {"utm_source": "instagram", "utm_campaign": "bio"},
        "instagram_story": {"utm_source": "instagram", "utm_campaign": "story"},
        "whatsapp_status": {"utm_source": "whatsapp", "utm_campaign": "status"},
    }
    assert "For your Instagram bio" in page
    assert "For a WhatsApp status" in page


def test_the_page_speaks_spanish(app, client, merchant):
    page = client.get("/dashboard/share", headers={"Accept-Language": "es"}).get_data(True)
    assert "Para un estado de WhatsApp" in page
    assert "Enlaces que distinguen tus publicaciones" in page
    page = client.get("/dashboard/share", headers={"Accept-Language": "pt-BR"}).get_data(True)
    assert "Para um story do Instagram" in page


def test_tags_keep_a_query_the_link_already_has():
    assert tagged("https://x.test/s/sol?lang=es", "whatsapp", "status") == (
        "https://x.test/s/sol?lang=es&utm_source=whatsapp&utm_campaign=status"
    )


def test_a_visit_by_a_tagged_link_is_counted_under_it(app, client, merchant):
    with app.app_context():
        slug = db.session.get(Shop, merchant[1]).slug
    event = {"k": "shop_view", "s": "instagram", "c": "story"}
    response = client.post(
        f"/s/{slug}/e",
        data=json.dumps(event),
        content_type="text/plain",
        headers={"User-Agent": PHONE_UA, "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 204
    with app.app_context():
        row = db.session.scalars(select(DailySource)).one()
        assert (row.source, row.campaign, row.visitors, row.views) == ("instagram", "story", 1, 1)
