"""`flask --app shop media import|check`: moving photos into a bucket, restoring a backup."""

from __future__ import annotations

from shop.media.storage import LocalStorage
from tests.production.object_store import keys, s3_client, s3_settings

WEBP = "ab" + "1" * 62 + "-320.webp"
JPEG = "cd" + "2" * 62 + "-og.jpg"


def local_media(folder) -> LocalStorage:
    """A local media folder as an app server leaves it (ab/<name>), plus some litter."""
    storage = LocalStorage(folder)
    storage.save(WEBP, b"RIFF webp bytes")
    storage.save(JPEG, b"\xff\xd8 jpeg bytes")
    (folder / "ab" / ".tmp-123.part").write_bytes(b"half a file")
    (folder / "notes.txt").write_text("not a photo")
    return storage


def test_import_moves_a_local_folder_into_the_bucket(app, runner, endpoint, bucket, tmp_path):
    local_media(tmp_path / "old-media")
    app.config.update(s3_settings(endpoint, bucket))

    result = runner.invoke(args=["media", "import", str(tmp_path / "old-media")])

    assert result.exit_code == 0, result.output
    assert "Stored 2 files" in result.output
    assert keys(endpoint, bucket) == {WEBP, JPEG}
    stored = s3_client(endpoint).get_object(Bucket=bucket, Key=JPEG)
    assert stored["ContentType"] == "image/jpeg"
    assert stored["CacheControl"] == "public, max-age=31536000, immutable"
    assert stored["Body"].read() == b"\xff\xd8 jpeg bytes"

    again = runner.invoke(args=["media", "import", str(tmp_path / "old-media")])
    assert "Stored 0 files" in again.output
    assert "2 were already there" in again.output


def test_import_restores_a_flat_bucket_backup_into_a_local_folder(app, runner, tmp_path):
    backup = tmp_path / "backup"
    backup.mkdir()
    (backup / WEBP).write_bytes(b"RIFF webp bytes")

    result = runner.invoke(args=["media", "import", str(backup)])

    assert result.exit_code == 0, result.output
    assert LocalStorage(app.config["MEDIA_DIR"]).read(WEBP) == b"RIFF webp bytes"


def test_import_refuses_a_missing_folder(runner, tmp_path):
    result = runner.invoke(args=["media", "import", str(tmp_path / "nowhere")])
    assert result.exit_code != 0
    assert "does not exist" in result.output


def test_check_says_ready_for_a_reachable_bucket(app, runner, endpoint, bucket):
    app.config.update(s3_settings(endpoint, bucket))
    result = runner.invoke(args=["media", "check"])
    assert result.exit_code == 0, result.output
    assert f"bucket {bucket}" in result.output


def test_check_fails_loudly_for_an_unreachable_store(app, runner, bucket):
    app.config.update(s3_settings("http://127.0.0.1:9", bucket))
    result = runner.invoke(args=["media", "check"])
    assert result.exit_code == 1
    assert "Error:" in result.output
    assert "vitrina-test-secret" not in result.output


def test_check_fails_for_a_bucket_that_does_not_exist(app, runner, endpoint, bucket):
    app.config.update(s3_settings(endpoint, bucket + "-gone"))
    result = runner.invoke(args=["media", "check"])
    assert result.exit_code == 1
    assert "does not exist" in result.output
