"""Pix keys of each kind, valid and not: CPF and CNPJ by their check digits (the
alphanumeric CNPJ too), phone numbers, e-mails and random keys."""

from __future__ import annotations

import random

import pytest
from flask_babel import force_locale

from shop.lib.pix_keys import PixKeyError, key_kind, parse_pix_key

WEIGHTS = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def cnpj_check_digits(base: str) -> str:
    """The Receita Federal's rule, written here from its published description, not
    taken from the code under test: each character is worth its ASCII code minus 48
    (0-9 -> 0-9, A -> 17 ... Z -> 42), weights 5..2, 9..2 (then 6..2, 9..2), and a
    digit of 11 minus the sum mod 11, or 0 when that is 10 or 11."""
    digits = ""
    for weights in (WEIGHTS[1:], WEIGHTS):
        text = base + digits
        total = sum((ord(ch) - 48) * w for ch, w in zip(text, weights, strict=True))
        rest = total % 11
        digits += str(0 if rest < 2 else 11 - rest)
    return digits


@pytest.fixture(autouse=True)
def _context(app):
    with app.test_request_context(), force_locale("pt_BR"):
        yield


def test_the_official_alphanumeric_cnpj_example():
    assert cnpj_check_digits("12ABC34501DE") == "35"
    assert parse_pix_key("12.ABC.345/01DE-35") == "12ABC34501DE35"


@pytest.mark.parametrize("seed", range(20))
def test_alphanumeric_cnpjs_with_their_digits_are_keys_and_one_wrong_digit_is_not(seed):
    rng = random.Random(seed)
    base = "".join(rng.choice(ALPHABET) for _ in range(12))
    digits = cnpj_check_digits(base)
    assert parse_pix_key(base.lower() + digits) == base + digits
    assert key_kind(base + digits) == "cnpj"
    wrong = f"{(int(digits[1]) + 1) % 10}"
    with pytest.raises(PixKeyError, match="CNPJ não é válido"):
        parse_pix_key(base + digits[0] + wrong)


@pytest.mark.parametrize(
    ("typed", "key", "kind"),
    [
        ("123.456.789-09", "12345678909", "cpf"),
        ("529 982 247 25", "52998224725", "cpf"),
        ("11.222.333/0001-81", "11222333000181", "cnpj"),
        ("11222333000181", "11222333000181", "cnpj"),
        ("12.abc.345/01de-35", "12ABC34501DE35", "cnpj"),
        ("+55 11 91234-5678", "+5511912345678", "phone"),
        ("(21) 3456-7890", "+552134567890", "phone"),  # landlines have Pix keys too
        ("  Ana.Souza+loja@Exemplo.COM.br ", "ana.souza+loja@exemplo.com.br", "email"),
        ("123E4567-E89B-42D3-A456-426614174000", "123e4567-e89b-42d3-a456-426614174000", "evp"),
    ],
)
def test_keys_of_each_kind_are_read_into_the_directorys_form(typed, key, kind):
    assert parse_pix_key(typed) == key
    assert key_kind(key) == kind


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Escreva sua chave Pix."),
        ("123.456.789-00", "CPF não é válido"),
        ("111.111.111-11", "CPF não é válido"),  # right digits, never issued
        ("11912345678", "CPF não é válido"),  # a phone without +55 reads as a CPF
        ("11.222.333/0001-82", "CNPJ não é válido"),
        ("00.000.000/0000-00", "CNPJ não é válido"),
        ("12.ABC.345/01DE-36", "CNPJ não é válido"),
        ("12.ABC.345/01DE-3A", "não é uma chave Pix"),  # check digits are digits
        ("+34 612 34 56 78", "número brasileiro"),
        ("+55 11 1234", "número brasileiro"),
        ("+55 (11) 91234-5678 ramal 2", "número brasileiro"),
        ("ana@", "e-mail não pode"),
        ("ana@loja", "e-mail não pode"),
        ("ana souza@loja.com", "e-mail não pode"),
        ("ção@loja.com.br", "e-mail não pode"),
        (("a" * 70) + "@loja.com.br", "e-mail não pode"),  # 82 characters: over 77
        ("123e4567-e89b-42d3-a456-42661417400", "não é uma chave Pix"),
        ("123e4567-e89b-42d3-a456-42661417400g", "não é uma chave Pix"),
        ("pix da loja", "não é uma chave Pix"),
        ("🌻" * 10, "não é uma chave Pix"),
        ("1" * 200, "longo demais"),
    ],
)
def test_what_is_not_a_key_is_explained(typed, message):
    with pytest.raises(PixKeyError, match=message):
        parse_pix_key(typed)
