"""Which social app's built-in browser a page is open in, from its user agent.

Links shared on Instagram, Facebook, Messenger, TikTok and WhatsApp open inside the
app, where a wa.me link may not reach WhatsApp. Pages then offer what works there
too: the order message to copy, the merchant's number, and how to open the page in
the phone's own browser.
"""

from __future__ import annotations

import re

# Checked in this order: Messenger's agent also names Facebook (FBAN/FBAV).
_APPS = (
    (
        "Messenger",
        re.compile(r"FBAN/Messenger|FB_IAB/(?:MESSENGER|Orca)|\bMessenger(?:ForiOS)?\b", re.I),
    ),
    ("Instagram", re.compile(r"\bInstagram\b", re.I)),
    ("Facebook", re.compile(r"FBAN/|FBAV/|FB_IAB/|\[FB", re.I)),
    ("TikTok", re.compile(r"musical_ly|BytedanceWebview|\bTikTok\b|trill_", re.I)),
    ("WhatsApp", re.compile(r"\bWhatsApp\b", re.I)),
)
MAX_AGENT = 1000  # longer agents are cut before matching: bounded work per request


def in_app_browser(user_agent: str | None) -> str | None:
    """The app's name ("Instagram", ...) when the agent is its built-in browser, else None."""
    agent = (user_agent or "")[:MAX_AGENT]
    return next((name for name, pattern in _APPS if pattern.search(agent)), None)
