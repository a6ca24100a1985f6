"""Who a merchant is: Google sign-in (OpenID Connect through Authlib), server-side
sessions and sign-out.

May import lib, models, web and extensions; the pages import it, never the other way.
"""

from shop.auth.views import bp

__all__ = ["bp"]
