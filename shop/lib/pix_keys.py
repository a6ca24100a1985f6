"""Pix keys: the five kinds a merchant may be paid to, checked before a shopper sees one.

A wrong key sends a shopper's money nowhere (or to someone else), so each kind is checked
as far as it can be without asking the Banco Central's directory: CPF and CNPJ by their
check digits (python-stdnum, which reads the alphanumeric CNPJ of July 2026 too: letters
are valued by their ASCII code minus 48, with the same mod-11 weights), a phone number as
a valid Brazilian number, an e-mail by its shape, a random key (EVP) as a UUID. Keys are
stored in the form the directory uses: digits only, ``+55...``, lower case.
"""

from __future__ import annotations

import re
import uuid

import phonenumbers
from flask_babel import gettext as _
from stdnum.br import cnpj, cpf

MAX_KEY = 77  # the longest key the directory holds (an e-mail)
_EMAIL = re.compile(
    r"[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+"
)
_MASK = str.maketrans("", "", ".-/ ")
_CNPJ = re.compile(r"[0-9A-Z]{12}[0-9]{2}")


class PixKeyError(ValueError):
    """Not a Pix key; the message says what is wrong."""


def parse_pix_key(text: str) -> str:
    """The key in its directory form, or PixKeyError.

    ``123.456.789-09`` (CPF), ``12.ABC.345/01DE-35`` (CNPJ), ``+55 11 91234-5678``,
    ``Ana@Loja.com.br`` and ``123e4567-e89b-42d3-a456-426614174000`` are all read.
    A bare run of 11 digits is a CPF: a phone key is written with +55, as banks ask.
    """
    key = (text or "").strip()
    if not key:
        raise PixKeyError(_("Write your Pix key."))
    if len(key) > MAX_KEY + 20:
        raise PixKeyError(_("That is too long for a Pix key."))
    if "@" in key:
        return _email(key)
    if key.startswith("+") or key.startswith("("):
        return _phone(key)
    if _is_uuid_shaped(key):
        return str(uuid.UUID(key))
    compact = key.translate(_MASK).upper()
    if compact.isdigit() and len(compact) == 11:
        # 111.111.111-11 passes the check digits; the Receita Federal never issues it.
        if not cpf.is_valid(compact) or len(set(compact)) == 1:
            raise PixKeyError(
                _("That CPF is not valid: check its digits. A phone key is written with +55.")
            )
        return compact
    if _CNPJ.fullmatch(compact):
        if not cnpj.is_valid(compact) or len(set(compact)) == 1:
            raise PixKeyError(_("That CNPJ is not valid: check its digits and letters."))
        return compact
    raise PixKeyError(
        _(
            "That is not a Pix key. Write a CPF, a CNPJ, an e-mail, a phone number "
            "with +55 or a random key."
        )
    )


def key_kind(key: str) -> str:
    """The kind of a key in directory form: cpf, cnpj, phone, email or evp."""
    if "@" in key:
        return "email"
    if key.startswith("+"):
        return "phone"
    if len(key) == 36:
        return "evp"
    return "cpf" if len(key) == 11 else "cnpj"


def _email(key: str) -> str:
    email = key.lower()
    if len(email) > MAX_KEY or not _EMAIL.fullmatch(email):
        raise PixKeyError(_("That e-mail cannot be a Pix key: check it."))
    return email


def _phone(key: str) -> str:
    try:
        parsed = phonenumbers.parse(key, "BR")
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or parsed.country_code != 55 or not phonenumbers.is_valid_number(parsed):
        raise PixKeyError(
            _("A phone key is a Brazilian number with its area code, like +55 11 91234-5678.")
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _is_uuid_shaped(key: str) -> bool:
    return len(key) == 36 and key.count("-") == 4 and _hex_uuid(key)


def _hex_uuid(key: str) -> bool:
    try:
        uuid.UUID(key)
    except ValueError:
        return False
    return True
