"""The merchant's greeting and closing lines: known placeholders only, clear refusals."""

import pytest

from shop.whatsapp.texts import MAX_TEXT, MessageTextError, check_text, render_text


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def test_fills_the_known_placeholders(ctx):
    text = check_text("Hola {shop} 👋, pedido {number} de {name}: {total}")
    assert render_text(text, shop="Sol", number="7", name="Ana", total="5 €") == (
        "Hola Sol 👋, pedido 7 de Ana: 5 €"
    )


def test_braces_can_be_written_doubled(ctx):
    assert render_text(check_text("{{hola}} {shop}"), shop="Sol") == "{hola} Sol"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Hola {tienda}", "{tienda}"),
        ("{shop.__class__}", "{shop.__class__}"),
        ("{shop[0]}", "{shop[0]}"),
        ("{shop!r}", "{shop!r}"),
        ("{total:>99999}", "{total:>99999}"),
        ("{}", "{}"),
    ],
)
def test_unknown_placeholders_are_refused_by_name(ctx, text, shown):
    with pytest.raises(MessageTextError) as error:
        check_text(text)
    assert shown in str(error.value)
    assert "{shop}, {number}, {name}, {total}" in str(error.value)


@pytest.mark.parametrize("text", ["Hola {shop", "Hola }", "{"])
def test_unclosed_braces_are_refused(ctx, text):
    with pytest.raises(MessageTextError, match="not closed"):
        check_text(text)


def test_length_limit_and_one_line(ctx):
    assert check_text("  Hola\n\n  {shop}  ") == "Hola {shop}"
    assert check_text("ñ" * MAX_TEXT) == "ñ" * MAX_TEXT
    with pytest.raises(MessageTextError):
        check_text("x" * (MAX_TEXT + 1))


def test_a_bad_stored_text_is_shown_as_typed(ctx):
    assert render_text("Hola {nope}", shop="Sol") == "Hola {nope}"
