"""Vitrina: a shareable shop whose orders arrive in the merchant's WhatsApp.

The package's root holds wiring only: the app (app.py), the request pipeline in the
order a request meets it (pipeline.py), settings (config.py), the unattached
extensions (extensions.py), the commands (cli.py) and the tables (models/).
Everything else lives in a room of its own, each importing only the rooms below it
(the layers contract in pyproject.toml): the audiences (dashboard/, storefront/,
operator/, site/), auth/ and sharing/, the domains (shops/ and whatsapp/, ordering/,
catalog/, media/), the plumbing (web/), the tables (models/) and the pure helpers (lib/),
plus dev/ for the local run.
"""

from shop.app import create_app

__all__ = ["create_app"]
