"""The shopper's WhatsApp number at checkout: asked or not by the shop, read in its country.

The number is whatever the shopper typed, read with `phonenumbers` (shop.lib.phones) in
the shop's own country unless it starts with + or an international prefix, and kept in
E.164. Nobody verifies it and the app never messages it: it only lets the merchant open
a chat with the shopper in one tap.
"""

from __future__ import annotations

import phonenumbers

from shop.lib.phones import DEFAULT_REGION, PhoneError, format_whatsapp, parse_whatsapp
from shop.models import PhonePolicy, Shop
from shop.ordering.cart import OrderError
from shop.web.translating import gettext as _


def shop_region(shop: Shop) -> str:
    """The shop's country, as its own WhatsApp number says (``+52...`` -> ``MX``)."""
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(shop.whatsapp))
    except phonenumbers.NumberParseException:
        return DEFAULT_REGION
    return region if region and region != "ZZ" else DEFAULT_REGION


def check_phone(shop: Shop, typed: str) -> str:
    """The shopper's number in E.164, "" when none was given and none is needed.

    Raises OrderError(field="phone") when the shop requires one and it is empty, or when
    what was typed is not a number (an optional number typed wrong is an error too: the
    shopper meant to give it). A shop that does not ask ignores whatever was sent.
    """
    policy = PhonePolicy(shop.ask_phone)
    text = (typed or "").strip()
    if policy == PhonePolicy.OFF:
        return ""
    if not text:
        if policy == PhonePolicy.REQUIRED:
            raise OrderError(
                _("Write your WhatsApp number, so the shop can tell you when your order is ready."),
                field="phone",
            )
        return ""
    try:
        return parse_whatsapp(shop_region(shop), text)
    except PhoneError as error:
        raise OrderError(str(error), field="phone") from None


def shown(e164: str) -> str:
    """The number as people read it: ``+34 612 34 56 78``."""
    return format_whatsapp(e164) if e164 else ""
