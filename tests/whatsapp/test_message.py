"""The WhatsApp message and its wa.me link: content, language, encoding, length."""

from __future__ import annotations

import string
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shop.lib.money import iso_exponent
from shop.whatsapp import message as whatsapp

ORDER_URL = "https://vitrina.example/o/" + "T" * 43
URL_SAFE = set(string.ascii_letters + string.digits + "%-._~")


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def make_shop(**fields):
    values = {"name": "Tienda Sol", "whatsapp": "+34612345678", "language": "es"} | fields
    shop = SimpleNamespace(**values)
    shop.whatsapp_digits = shop.whatsapp.lstrip("+")
    return shop


def make_order(lines=(("Camiseta azul", 2, 4000), ("Gorra", 1, 850)), **fields):
    values = {
        "number": 1042,
        "language": "en",
        "currency": "EUR",
        "shipping_name": "Home delivery",
        "shipping_price_minor": 300,
        "customer_name": "Ana",
        "customer_address": "Calle Mayor 1, Madrid",
        "customer_notes": "",
    } | fields
    values.setdefault("currency_exponent", iso_exponent(values["currency"]))
    order = SimpleNamespace(
        lines=[SimpleNamespace(name=n, quantity=q, line_total_minor=t) for n, q, t in lines],
        **values,
    )
    subtotal = sum(line.line_total_minor for line in order.lines)
    order.total_minor = values.get("total_minor", subtotal + order.shipping_price_minor)
    return order


def decoded(url: str) -> str:
    """The text WhatsApp will show: the query decoded exactly as a browser would."""
    parts = urlsplit(url)
    assert set(parts.query.split("=", 1)[1]) <= URL_SAFE, "only percent-encoded text"
    return parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)["text"][0]


def test_message_lists_the_order_line_by_line(ctx):
    text = whatsapp.order_message(
        make_order(customer_notes="Llamar al timbre"), make_shop(), ORDER_URL
    )
    assert text.split("\n") == [
        "Hello Tienda Sol, I would like to place this order:",
        "*Order #1042*",
        "2 x Camiseta azul - €40.00",
        "1 x Gorra - €8.50",
        "Shipping: Home delivery - €3.00",
        "*Total: €51.50*",
        "Name: Ana",
        "Address: Calle Mayor 1, Madrid",
        "Notes: Llamar al timbre",
        f"View order: {ORDER_URL}",
    ]


def test_amounts_follow_the_shops_region_and_currency(ctx):
    order = make_order(
        lines=(("Taco", 3, 4500),), currency="USD", shipping_name="", shipping_price_minor=0
    )
    text = whatsapp.order_message(
        order, make_shop(whatsapp="+12025550123", language="en"), ORDER_URL
    )
    assert "3 x Taco - $45.00" in text
    assert "*Total: $45.00*" in text
    assert "Shipping" not in text
    yen = make_order(
        lines=(("Té", 1, 1235),), currency="JPY", shipping_name="", shipping_price_minor=0
    )
    us_shop = make_shop(whatsapp="+12025550123", language="en")
    assert "1 x Té - ¥1,235" in whatsapp.order_message(yen, us_shop, ORDER_URL)


def test_leaves_out_empty_address_and_notes(ctx):
    text = whatsapp.order_message(
        make_order(customer_address="", shipping_name=""), make_shop(), ORDER_URL
    )
    assert "Address" not in text
    assert "Notes" not in text


def test_link_goes_to_the_digits_of_the_merchants_number(ctx):
    url = whatsapp.order_link(make_order(), make_shop(whatsapp="+5215512345678"), ORDER_URL)
    assert url.startswith("https://wa.me/5215512345678?text=")


def test_message_speaks_the_orders_language(ctx):
    text = whatsapp.order_message(make_order(language="es"), make_shop(), ORDER_URL)
    lines = text.split("\n")
    assert lines[0] == "Hola Tienda Sol, quiero hacer este pedido:"
    assert lines[1] == "*Pedido #1042*"
    assert "*Total: 51,50\xa0€*" in lines


AWKWARD = [
    "Tom & Jerry #1 + 2 = 3? 100% sí",
    "Línea uno\nLínea dos\r\nTres",
    "Ñandú cañón ÀÉÎÕÜ ß ø",
    "🎉👩‍👩‍👧 regalo 🇪🇸",
    "مرحبا بالعالم",
    "שלום עולם",
    "a=b&text=hack#frag",
    "  spaces  and\ttabs ",
]


@pytest.mark.parametrize("awkward", AWKWARD)
def test_awkward_text_arrives_intact(ctx, awkward):
    order = make_order(
        lines=((awkward, 1, 100),),
        customer_name=awkward,
        customer_address=awkward,
        customer_notes=awkward,
    )
    shop = make_shop(name=awkward)
    url = whatsapp.order_link(order, shop, ORDER_URL)
    assert decoded(url) == whatsapp.order_message(order, shop, ORDER_URL)
    assert awkward in decoded(url)


def test_a_long_cart_is_summarised_under_2000_characters(ctx):
    lines = [(f"Producto número {n} con un nombre largo 🎁", 1, 1000 + n) for n in range(100)]
    order = make_order(lines=lines, customer_notes="Dejar en portería, gracias")
    url = whatsapp.order_link(order, make_shop(), ORDER_URL)
    text = decoded(url)
    assert len(url) <= 2000
    shown = [line for line in text.split("\n") if line.startswith("1 x Producto")]
    assert 0 < len(shown) < 100
    assert shown == [f"1 x {name} - {_eur(total)}" for name, _q, total in lines[: len(shown)]]
    assert f"…and {100 - len(shown)} more items (see the order link)" in text
    for kept in ("*Order #1042*", "*Total:", "Name: Ana", f"View order: {ORDER_URL}"):
        assert kept in text
    # As many lines as fit: one more would not.
    longer = whatsapp.order_link(order, make_shop(), ORDER_URL, limit=len(url) + 5)
    assert len(longer) <= len(url) + 5


def test_one_hidden_line_says_item(ctx):
    lines = [("x" * 140, 1, 100)] * 12
    order = make_order(lines=lines)
    text = None
    for limit in range(600, 4000, 10):
        text = whatsapp.order_message(order, make_shop(), ORDER_URL, limit=limit)
        if "1 more item " in text:
            break
    assert "…and 1 more item (see the order link)" in text


def test_huge_free_text_is_shortened_keeping_number_total_name_and_link(ctx):
    order = make_order(
        customer_address="Calle 🏠 " * 200,
        customer_notes="Nota ✨ " * 300,
        customer_name="Ana",
    )
    url = whatsapp.order_link(order, make_shop(name="Tienda 🌞 " * 10), ORDER_URL)
    text = decoded(url)
    assert len(url) <= 2000
    for kept in ("*Order #1042*", "*Total: €51.50*", "Name: Ana", f"View order: {ORDER_URL}"):
        assert kept in text
    assert "…" in text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    names=st.lists(st.text(min_size=1, max_size=150), min_size=1, max_size=100),
    customer=st.text(min_size=1, max_size=120),
    address=st.text(max_size=500),
    notes=st.text(max_size=1000),
    shop_name=st.text(min_size=1, max_size=120),
)
def test_any_order_fits_and_decodes_back(ctx, names, customer, address, notes, shop_name):
    order = make_order(
        lines=[(name, 999, 99_999_999) for name in names],
        customer_name=customer,
        customer_address=address,
        customer_notes=notes,
    )
    shop = make_shop(name=shop_name)
    url = whatsapp.order_link(order, shop, ORDER_URL)
    assert len(url) <= 2000
    text = decoded(url)
    assert text == whatsapp.order_message(order, shop, ORDER_URL)
    assert "*Order #1042*" in text
    assert text.endswith(f"View order: {ORDER_URL}")


def _eur(minor: int) -> str:
    return f"€{minor // 100}.{minor % 100:02d}"


def test_amounts_are_read_in_the_exponent_the_order_kept(ctx):
    """An order's amounts mean what they meant when it was placed: a peso order in
    cents shows its pesos, and one kept in whole dinars is never read as cents."""
    shop = make_shop(whatsapp="+573001234567", language="es")
    pesos = make_order(
        lines=(("Jarrón", 1, 123456700),), currency="COP", shipping_name="", language="es"
    )
    assert "1 x Jarrón - $1.234.567" in whatsapp.order_message(pesos, shop, ORDER_URL)
    dinars = make_order(
        lines=(("Vaza", 2, 1234),), currency="RSD", currency_exponent=0, shipping_name=""
    )
    assert "2 x Vaza - RSD1,234" in whatsapp.order_message(dinars, make_shop(), ORDER_URL)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=300))
def test_the_link_length_is_counted_from_utf8_bytes_as_quote_would_make_it(text):
    from urllib.parse import quote

    assert whatsapp.quoted_length(text) == len(quote(text, safe=""))
    pieces = text.split("x")
    assert whatsapp.encoded_length(pieces) == len(quote("\n".join(pieces), safe=""))


@pytest.mark.parametrize(
    "text", ["", "a", "~-._", " ", "\n", "€", "🛍️", "ñ", "e\u0301", "\x00", "%", "+&=?#/", "👩‍👩‍👧"]
)
def test_awkward_characters_count_as_quote_encodes_them(text):
    from urllib.parse import quote

    assert whatsapp.quoted_length(text) == len(quote(text, safe=""))
