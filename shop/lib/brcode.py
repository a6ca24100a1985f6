"""Pix "copia e cola": the Banco Central do Brasil's BR Code, an EMV QR (merchant-presented)
payload, written for one order with its exact amount.

A payload is a run of fields, each an id of two digits, a length of two digits and the
value, closed by a CRC16 (CCITT: polynomial 0x1021, initial value 0xFFFF) written as four
upper-case hex digits. The fields follow the Manual de Padrões para Iniciação do Pix,
static Pix (the shopper's bank pays the key; no payment provider in between):

    00 payload format "01"
    26 merchant account: 00 "br.gov.bcb.pix", 01 the key
    52 category "0000", 53 currency "986" (BRL), 54 the amount ("1234.56")
    58 country "BR", 59 merchant name (25), 60 merchant city (15)
    62 additional data: 05 the transaction id (txid, the order number)
    63 the CRC of everything before its value, "6304" included

Names and cities are written in the characters every bank app reads (printable ASCII):
accents are transliterated (São Paulo -> Sao Paulo), anything else dropped, and the
text is cut at the field's limit.
"""

from __future__ import annotations

import binascii
import re
import unicodedata

GUI = "br.gov.bcb.pix"
MAX_NAME = 25
MAX_CITY = 15
MAX_TXID = 25
MAX_AMOUNT_CHARS = 13  # "9999999999.99": the largest amount field 54 can hold
BRL = "986"
# Letters and digits, or "***" for a code without one (the manual's own example).
_TXID = re.compile(r"[A-Za-z0-9]{1,25}|\*\*\*")


class BRCodeError(ValueError):
    """A payload the specification cannot hold (an amount too large, a bad txid)."""


def field(field_id: str, value: str) -> str:
    """``("59", "Loja Sol")`` -> ``"5908Loja Sol"``; a value holds at most 99 characters."""
    if len(value) > 99 or not value.isascii():
        raise BRCodeError(f"field {field_id} cannot hold {value!r}")
    return f"{field_id}{len(value):02d}{value}"


def crc16(text: str) -> str:
    """CRC16-CCITT (0x1021, initial 0xFFFF, no reflection) of `text`, as 4 hex digits.

    binascii.crc_hqx is that CRC (the one XMODEM and HQX use) with the initial value
    passed in: the standard library's, not ours."""
    return f"{binascii.crc_hqx(text.encode('ascii'), 0xFFFF):04X}"


def plain(text: str, limit: int) -> str:
    """`text` in printable ASCII, accents transliterated, spaces collapsed, cut at `limit`
    (``"Café São João 🌻"`` -> ``"Cafe Sao Joao"``)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch) and " " <= ch <= "~")
    return " ".join(kept.split())[:limit].rstrip()


def amount_text(minor: int) -> str:
    """Cents to field 54's form: ``123456`` -> ``"1234.56"``, ``5`` -> ``"0.05"``."""
    if minor <= 0:
        raise BRCodeError("a Pix amount is more than zero")
    text = f"{minor // 100}.{minor % 100:02d}"
    if len(text) > MAX_AMOUNT_CHARS:
        raise BRCodeError("the amount is too large for a BR Code")
    return text


def payload(*, key: str, name: str, city: str, amount_minor: int | None, txid: str = "***") -> str:
    """The "copia e cola" text for paying `amount_minor` centavos to `key` (None leaves
    the amount to the payer, as the manual's example does; orders always give it).

    `name` and `city` may be anything a merchant typed: they are made plain and cut here
    (an empty result is refused, as field 59 and 60 are mandatory). `txid` is letters
    and digits, at most 25.
    """
    name, city = plain(name, MAX_NAME), plain(city, MAX_CITY)
    if not name or not city:
        raise BRCodeError("the merchant's name and city need letters or digits")
    if not _TXID.fullmatch(txid):
        raise BRCodeError("a txid is 1 to 25 letters and digits, or ***")
    body = "".join(
        (
            field("00", "01"),
            field("26", field("00", GUI) + field("01", key)),
            field("52", "0000"),
            field("53", BRL),
            field("54", amount_text(amount_minor)) if amount_minor is not None else "",
            field("58", "BR"),
            field("59", name),
            field("60", city),
            field("62", field("05", txid)),
        )
    )
    body += "6304"
    return body + crc16(body)


def fields(text: str) -> dict[str, str]:
    """Read a payload back into its top-level fields (for tests and for checking a code
    a merchant pastes); raises BRCodeError when the lengths do not add up."""
    found, index = {}, 0
    while index < len(text):
        head = text[index : index + 4]
        if len(head) < 4 or not head.isdigit():
            raise BRCodeError(f"no field at {index}")
        length = int(head[2:])
        value = text[index + 4 : index + 4 + length]
        if len(value) != length:
            raise BRCodeError(f"field {head[:2]} is cut short")
        found[head[:2]] = value
        index += 4 + length
    return found
