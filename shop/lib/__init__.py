"""Pure helpers, each with one job: money (amounts and their exponent), phones, opening
hours, locales, the clock, text and ids.

Imports nothing of the app (third-party libraries only), so anything may use it.
"""
