"""A shop's own domain: the name as typed made canonical (names), adding and removing
it (claims), and the check that proves it points here and is the merchant's (checks).

The storefront answers on a domain only while ``Shop.custom_domain`` names it; these
modules are the only ones that set it.
"""

from shop.shops.domains.checks import check_domain, check_due_domains
from shop.shops.domains.claims import DomainError, add_domain, remove_domain
from shop.shops.domains.names import DomainNameError, normalise_domain

__all__ = [
    "DomainError",
    "DomainNameError",
    "add_domain",
    "check_domain",
    "check_due_domains",
    "normalise_domain",
    "remove_domain",
]
