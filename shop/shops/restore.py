"""After a database restore: move every shop's catalog version past the ones served before.

Page caches (Redis, a CDN, browsers with their ETags) keep pages by catalog version. A
restored database counts from older versions, so the next edits would reuse numbers
whose pages are still kept from before the restore, and shoppers would see the lost,
newer catalog. One jump, larger than any shop's edits between backups, avoids that.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import update

from shop.extensions import db
from shop.models import Shop

JUMP = 1_000_000


def move_catalog_versions(jump: int = JUMP) -> int:
    """Add `jump` to every shop's catalog version; how many shops there are."""
    result = db.session.execute(
        update(Shop).values(catalog_version=Shop.catalog_version + jump),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount


@click.command("after-restore")
@with_appcontext
def after_restore_command() -> None:
    """Run once after restoring the database from a backup, before serving again."""
    count = move_catalog_versions()
    db.session.commit()
    click.echo(f"Catalog versions of {count} shops moved on by {JUMP:,}: no stale page is served.")
