"""Where a visit came from: the referring site's group, or the link's utm_source.

Only the group and the campaign are kept, never the referring page's address.
"""

from __future__ import annotations

import unicodedata

DIRECT = "direct"
OTHER = "other"
# Hosts (and their subdomains) by group; l.instagram.com, lm.facebook.com and the like
# are the apps' link wrappers.
GROUPS = {
    "instagram": ("instagram.com",),
    "facebook": ("facebook.com", "fb.com", "fb.me", "messenger.com"),
    "whatsapp": ("whatsapp.com", "wa.me"),
    "tiktok": ("tiktok.com",),
    "google": ("google.com", "googleusercontent.com", "android-app://com.google"),
}
# What merchants write in utm_source for the same places.
UTM_NAMES = {
    "instagram": "instagram", "ig": "instagram", "insta": "instagram",
    "facebook": "facebook", "fb": "facebook", "messenger": "facebook",
    "whatsapp": "whatsapp", "wa": "whatsapp", "whatsapp_status": "whatsapp",
    "tiktok": "tiktok", "tt": "tiktok",
    "google": "google",
}  # fmt: skip
SOURCES = (*GROUPS, OTHER, DIRECT)
CAMPAIGN_LENGTH = 60


def host_group(host: str) -> str:
    """The group of a referring host ("l.instagram.com" -> "instagram"); "" is direct."""
    host = host.strip().lower().rstrip(".")
    if not host:
        return DIRECT
    if host.startswith("www."):
        host = host[4:]
    for group, domains in GROUPS.items():
        for domain in domains:
            if host == domain or host.endswith("." + domain):
                return group
    # google.es, google.com.mx: any Google country site.
    if host.split(".")[0] == "google":
        return "google"
    return OTHER


def source_of(referrer_host: str, utm_source: str) -> str:
    """A tagged link says where it was posted; otherwise the referring site does."""
    utm = utm_source.strip().lower()
    if utm:
        return UTM_NAMES.get(utm, OTHER)
    return host_group(referrer_host)


def clean_campaign(value: str) -> str:
    """The campaign as the merchant wrote it, trimmed to fit (emoji and all): control
    characters and lone surrogates dropped (PostgreSQL refuses NUL, Redis and the
    database an unpaired surrogate), whitespace runs made one space."""
    kept = "".join(c for c in value if unicodedata.category(c) not in ("Cc", "Cs") or c.isspace())
    return " ".join(kept.split())[:CAMPAIGN_LENGTH]
