"""The Pix BR Code: the Banco Central's own example, each field of an order's code, the
CRC, the limits, and a QR that a reader which is not ours decodes to the same text."""

from __future__ import annotations

import io

import pytest
import segno
import zxingcpp
from PIL import Image

from shop.lib.brcode import BRCodeError, crc16, fields, payload, plain

# Manual de Padrões para Iniciação do Pix (Banco Central do Brasil), static Pix example.
BCB_EXAMPLE = (
    "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000"
    "5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"
)
# A published static example with an amount (a phone key), CRC 170E as printed with it.
PHONE_EXAMPLE = (
    "00020126360014BR.GOV.BCB.PIX0114+5511943214321520400005303986540566.66"
    "5802BR5907EMPRESA6008BRASILIA62080503***6304170E"
)


@pytest.mark.parametrize(
    ("text", "crc"),
    [
        ("123456789", "29B1"),  # CRC-16/CCITT-FALSE's check value
        (BCB_EXAMPLE[:-4], "1D3D"),
        (PHONE_EXAMPLE[:-4], "170E"),
    ],
)
def test_the_crc_matches_published_examples(text, crc):
    assert crc16(text) == crc


def test_the_central_banks_example_is_written_exactly():
    code = payload(
        key="123e4567-e12b-12d1-a456-426655440000",
        name="Fulano de Tal",
        city="BRASILIA",
        amount_minor=None,
    )
    assert code == BCB_EXAMPLE


def _order_code(**overrides) -> str:
    values = {
        "key": "12345678909",
        "name": "Loja Sol",
        "city": "São Paulo",
        "amount_minor": 123456,
        "txid": "1042",
    }
    return payload(**(values | overrides))


def test_an_orders_code_field_by_field():
    code = _order_code()
    top = fields(code)
    assert list(top) == ["00", "26", "52", "53", "54", "58", "59", "60", "62", "63"]
    assert top["00"] == "01"
    assert fields(top["26"]) == {"00": "br.gov.bcb.pix", "01": "12345678909"}
    assert (top["52"], top["53"], top["58"]) == ("0000", "986", "BR")
    assert top["54"] == "1234.56"
    assert (top["59"], top["60"]) == ("Loja Sol", "Sao Paulo")
    assert fields(top["62"]) == {"05": "1042"}
    assert top["63"] == crc16(code[:-4])
    assert code.endswith("6304" + top["63"])


def test_a_changed_character_changes_the_crc():
    code = _order_code()
    tampered = code[:-4].replace("1234.56", "1234.57")
    assert crc16(tampered) != code[-4:]


@pytest.mark.parametrize(
    ("minor", "field"),
    [
        (1, "0.01"),
        (5, "0.05"),
        (1990, "19.90"),
        (100_000, "1000.00"),
        (999_999_999_999, "9999999999.99"),  # 13 characters: the field's limit
    ],
)
def test_amounts_are_written_exactly_in_reais(minor, field):
    assert fields(_order_code(amount_minor=minor))["54"] == field


@pytest.mark.parametrize("minor", [0, -100, 1_000_000_000_000])
def test_amounts_the_code_cannot_hold_are_refused(minor):
    with pytest.raises(BRCodeError):
        _order_code(amount_minor=minor)


@pytest.mark.parametrize(
    ("name", "city", "shown_name", "shown_city"),
    [
        ("Café São João", "São José dos Campos", "Cafe Sao Joao", "Sao Jose dos Ca"),
        ("Padaria Açaí 🌻 & Cia", "Florianópolis", "Padaria Acai & Cia", "Florianopolis"),
        ("Ótica Visão Perfeita Ltda ME", "Brasília", "Otica Visao Perfeita Ltda", "Brasilia"),
        ("  Doces   da   Vó  ", "Itaú", "Doces da Vo", "Itau"),
        ("ÀÉÎÕÜ Ç Ñ", "Mogi-Guaçu", "AEIOU C N", "Mogi-Guacu"),
    ],
)
def test_names_and_cities_are_transliterated_and_cut(name, city, shown_name, shown_city):
    top = fields(_order_code(name=name, city=city))
    assert (top["59"], top["60"]) == (shown_name, shown_city)
    assert len(top["59"]) <= 25
    assert len(top["60"]) <= 15
    assert (top["59"] + top["60"]).isascii()


def test_a_cut_never_ends_in_a_space():
    assert plain("Loja do Seu Zé e da Dona Maria", 15) == "Loja do Seu Ze"


@pytest.mark.parametrize(("name", "city"), [("🌻🌻", "Recife"), ("Loja", "東京")])
def test_a_name_or_city_with_nothing_writable_is_refused(name, city):
    with pytest.raises(BRCodeError):
        _order_code(name=name, city=city)


@pytest.mark.parametrize("txid", ["", "10-42", "x" * 26, "pedido 1"])
def test_a_txid_is_letters_and_digits(txid):
    with pytest.raises(BRCodeError):
        _order_code(txid=txid)


def test_the_longest_key_fits_the_account_field():
    key = ("a" * 64) + "@loja.com.br"  # 76 characters: an e-mail key near the limit
    assert fields(fields(_order_code(key=key))["26"])["01"] == key


@pytest.mark.parametrize(
    "code",
    [
        _order_code(),
        _order_code(key="+5511912345678", amount_minor=999_999_999_999, txid="9" * 25),
        BCB_EXAMPLE,
    ],
)
def test_the_qr_decodes_to_the_same_code_with_zxing(code):
    png = io.BytesIO()
    segno.make(code, error="m", micro=False).save(png, kind="png", scale=4)
    png.seek(0)
    (result,) = zxingcpp.read_barcodes(Image.open(png))
    assert result.format == zxingcpp.BarcodeFormat.QRCode
    assert result.text == code
