"""Order slips in Chromium: at 58 mm and 80 mm nothing is clipped or scrolls sideways
(every element's scrollWidth within its clientWidth), and print-to-PDF makes pages of
the slip's own size, one order per page.

Screenshots go to $SLIP_SCREENSHOTS when set (never into the repository).
"""

from __future__ import annotations

import os
import re

import pytest

from shop.extensions import db
from tests import factories

MM = 96 / 25.4  # CSS pixels per millimetre
POINTS = 72 / 25.4  # PDF points per millimetre
LONG = "Supercalifragilisticexpialidocious" * 3  # no place to break: it must wrap anyway


@pytest.fixture
def orders(app):
    """Two orders with long names, options, notes and an address; returns (owner, ids)."""
    with app.app_context():
        owner = factories.make_user("Marta")
        shop = factories.make_shop(owner, name=f"La Panadería de la Esquina 🥐 {LONG}")
        ids = []
        for n in range(2):
            order = factories.make_order(
                shop,
                [(f"Empanada {LONG}", 123456, 12), ("Café con leche ☕", 250, 1), ("Pan", 99, 3)],
                customer_name=f"María José Fernández 🌻 {n}",
                customer_phone="+34612345678",
                customer_address=f"Calle Mayor 1, 3º B\nhttps://maps.example/{LONG}",
                customer_notes=f"Sin cebolla 🧅, timbre roto: llamar. {LONG}",
                payment_name="Transferencia bancaria",
            )
            order.lines[0].options_text = f"Tamaño: familiar, Relleno: {LONG}"
            order.lines[0].code = "EMP-" + "9" * 30
            ids.append(order.id)
        db.session.commit()
        return owner.id, ids


def _overflowing(page) -> list[str]:
    """Elements of the slips whose content is wider than their box, or that stick out."""
    return page.evaluate(
        """() => {
          const bad = [];
          const width = document.documentElement.clientWidth;
          for (const el of document.querySelectorAll('.slip, .slip *')) {
            const box = el.getBoundingClientRect();
            if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).display !== 'inline')
              bad.push(`${el.tagName}.${el.className} ${el.scrollWidth}>${el.clientWidth}`);
            if (box.right > width + 1)
              bad.push(`${el.tagName}.${el.className} right ${box.right}>${width}`);
          }
          if (document.documentElement.scrollWidth > width + 1) bad.push('page scrolls sideways');
          return bad;
        }"""
    )


@pytest.mark.parametrize("size", [58, 80])
def test_roll_slips_fit_their_paper_on_screen_and_in_print(
    app, live_server, browser, browser_sign_in, orders, size
):
    owner_id, ids = orders
    context = browser.new_context(
        locale="en-US", viewport={"width": round(size * MM), "height": 900}
    )
    try:
        browser_sign_in(context, owner_id)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(error))
        page.goto(f"{live_server}/dashboard/orders/{ids[0]}/slip?size={size}")
        assert page.locator(".slip").count() == 1
        assert _overflowing(page) == []
        slip_width = page.locator(".slip").bounding_box()["width"]
        assert slip_width <= (size - 8) * MM + 1  # within the roll's printable width
        page.emulate_media(media="print")
        assert not page.locator(".slip-toolbar").is_visible()
        assert _overflowing(page) == []
        qr = page.locator(".slip-qr img")
        assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
        shots = os.environ.get("SLIP_SCREENSHOTS")
        if shots:
            page.screenshot(path=f"{shots}/slip-{size}mm.png", full_page=True)
        assert errors == []
    finally:
        context.close()


def _page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(float(w), float(h)) for w, h in boxes]


@pytest.mark.parametrize(("size", "width_mm"), [("58", 58), ("80", 80), ("a4", 210)])
def test_print_to_pdf_makes_one_page_of_the_slips_size_per_order(
    app, live_server, browser, browser_sign_in, orders, size, width_mm
):
    owner_id, ids = orders
    context = browser.new_context(locale="en-US")
    try:
        browser_sign_in(context, owner_id)
        page = context.new_page()
        query = "&".join(f"ids={i}" for i in ids)
        page.goto(f"{live_server}/dashboard/orders/slips?{query}&size={size}")
        assert page.locator(".slip").count() == 2
        pdf = page.pdf(prefer_css_page_size=True, print_background=False)
        shots = os.environ.get("SLIP_SCREENSHOTS")
        if shots:
            with open(f"{shots}/slips-{size}.pdf", "wb") as out:
                out.write(pdf)
            page.emulate_media(media="print")
            page.screenshot(path=f"{shots}/slips-{size}.png", full_page=True)
    finally:
        context.close()
    assert pdf.startswith(b"%PDF")
    sizes = _page_sizes(pdf)
    assert len(sizes) >= 2  # at least a page per order, each order starting its own
    for width, _height in sizes:
        assert width == pytest.approx(width_mm * POINTS, abs=1)
