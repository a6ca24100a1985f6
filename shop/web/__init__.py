"""HTTP plumbing every page uses: security headers, compression, caching headers,
sessions, request and rate limits, logs, error pages, static assets, request origins
and safe redirects, and the request's language.

May import lib, models and extensions, never a domain or a page.
"""
