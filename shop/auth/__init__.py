"""Google sign-in (OpenID Connect through Authlib) and sign-out."""

from .views import bp

__all__ = ["bp"]
