"""The domain a merchant types, made canonical or refused (shop.shops.domains.names)."""

from __future__ import annotations

import pytest

from shop.shops.domains import DomainNameError, normalise_domain

OWN = ("vitrina.example", "app.vitrina.example")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("tienda.example.com", "tienda.example.com"),
        ("  Tienda.Example.COM.  ", "tienda.example.com"),
        ("https://tienda.example.com/", "tienda.example.com"),
        ("http://Example.com", "example.com"),
        ("café.example.com", "xn--caf-dma.example.com"),
        ("ÑANDÚ.example", "xn--and-6ma2c.example"),
    ],
)
def test_names_are_stored_lowercase_in_idna_form(typed, stored):
    assert normalise_domain(typed, OWN) == stored


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "empty"),
        ("*.example.com", "wildcard"),
        ("203.0.113.7", "ip-address"),
        ("[2001:db8::1]", "ip-address"),
        ("127.1", "ip-address"),
        ("tienda.example.com:8443", "port"),
        ("vitrina.example", "own-domain"),
        ("sol.vitrina.example", "own-domain"),
        ("APP.vitrina.example", "own-domain"),
        ("localhost", "not-a-name"),
        ("shop.localhost", "own-domain"),
        ("tienda", "not-a-name"),
        ("tienda.example.com/p/1", "not-a-name"),
        ("ana@tienda.example.com", "not-a-name"),
        ("tienda..example.com", "not-a-name"),
        ("-tienda.example.com", "not-a-name"),
        ("🛍️.example.com", "not-a-name"),
        ("a" * 64 + ".example.com", "not-a-name"),
        ("x." * 130 + "com", "not-a-name"),
        ("y" * 5000, "too-long"),
    ],
)
def test_what_no_shop_may_claim_is_refused_with_its_reason(typed, reason):
    with pytest.raises(DomainNameError) as refused:
        normalise_domain(typed, OWN)
    assert refused.value.reason == reason
