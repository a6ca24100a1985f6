"""The merchant's own greeting and closing lines of the WhatsApp order message.

Texts may use a few placeholders, e.g. ``Hola {shop}, pedido {number}``; anything else
in braces is refused with a message that lists what is allowed. Rendering uses only
those names (no attributes, indexes, conversions or format specs), so a text can never
reach into the objects it is filled from. Empty text means the default line.
"""

from __future__ import annotations

from string import Formatter

from flask_babel import gettext as _

from shop.lib.text import clean_line

MAX_TEXT = 300
PLACEHOLDERS = ("shop", "number", "name", "total")


class MessageTextError(ValueError):
    """A text with a placeholder we cannot fill; the message is for the merchant."""


def check_text(text: str) -> str:
    """The trimmed text, if every placeholder in it is known and well formed."""
    # One line, as WhatsApp shows it; no control characters (PostgreSQL refuses NUL).
    text = " ".join(clean_line(text).split())
    if len(text) > MAX_TEXT:
        raise MessageTextError(_("At most %(max)d characters, please.", max=MAX_TEXT))
    allowed = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    try:
        fields = list(Formatter().parse(text))
    except ValueError:
        raise MessageTextError(
            _(
                "A brace is not closed. Placeholders are written like {shop}; "
                "you can use: %(allowed)s.",
                allowed=allowed,
            )
        ) from None
    for _literal, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "")
            shown += (f":{spec}" if spec else "") + "}"
            raise MessageTextError(
                _(
                    "%(placeholder)s is not a placeholder we know. You can use: %(allowed)s.",
                    placeholder=shown,
                    allowed=allowed,
                )
            )
    return text


def render_text(text: str, **values: str) -> str:
    """The text with its placeholders filled; a text that fails the checks is shown as
    typed rather than breaking an order message."""
    try:
        check_text(text)
        return text.format_map({name: values.get(name, "") for name in PLACEHOLDERS})
    except (MessageTextError, ValueError, KeyError):
        return text
