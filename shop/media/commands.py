"""`flask --app shop media ...`: the operator's tools for the media store.

`media import` puts the renditions found in a folder into the configured storage:
moving from the local folder to a bucket, or restoring a backup, with the right
Content-Type and Cache-Control on every object. `media check` says whether the
store answers, before a deploy rather than at the first upload.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask.cli import with_appcontext

from shop.media.names import is_valid_name
from shop.media.storage import StorageError, get_storage


def import_folder(folder: Path) -> tuple[int, int]:
    """Store every rendition under `folder` (any depth: the local layout or a flat copy)
    that storage does not have yet. Other files are ignored. Returns (stored, skipped)."""
    storage = get_storage()
    stored = skipped = 0
    for directory, _dirs, files in os.walk(folder):
        for name in sorted(files):
            if not is_valid_name(name):
                continue
            if storage.exists(name):  # names are content hashes: same name, same bytes
                skipped += 1
                continue
            storage.save(name, (Path(directory) / name).read_bytes())
            stored += 1
    return stored, skipped


def describe() -> str:
    """Where media go, in words, without any secret."""
    from flask import current_app

    config = current_app.config
    if (config.get("MEDIA_STORAGE") or "local") == "s3":
        where = config.get("S3_ENDPOINT_URL") or "AWS"
        return f"bucket {config['S3_BUCKET']} at {where}"
    return f"folder {config['MEDIA_DIR']}"


@click.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def import_command(folder: Path) -> None:
    """Copy the photos in FOLDER into the configured media storage."""
    try:
        stored, skipped = import_folder(folder)
    except StorageError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Stored {stored} files in the {describe()}; {skipped} were already there.")


@click.command("check")
@with_appcontext
def check_command() -> None:
    """Check that the media storage can be reached and used."""
    try:
        get_storage().ping()
    except StorageError as error:
        raise click.ClickException(f"{describe()}: {error}") from error
    click.echo(f"Media storage is ready: {describe()}.")
