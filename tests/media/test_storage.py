"""LocalStorage: atomic writes, lazy folders, and nothing outside the media folder."""

from __future__ import annotations

import os

import pytest

from shop.media.storage import LocalStorage, get_storage

NAME = "ab" + "0" * 62 + "-320.webp"


def test_creates_the_folder_lazily_and_round_trips(tmp_path):
    storage = LocalStorage(tmp_path / "media")
    assert not (tmp_path / "media").exists()
    assert not storage.exists(NAME)

    storage.save(NAME, b"RIFF data")

    assert storage.exists(NAME)
    assert storage.read(NAME) == b"RIFF data"
    with storage.open(NAME) as file:
        assert file.read() == b"RIFF data"
    assert storage.path(NAME) == tmp_path / "media" / "ab" / NAME


def test_overwrites_atomically_and_leaves_no_temporary_file(tmp_path):
    storage = LocalStorage(tmp_path)
    storage.save(NAME, b"one")
    storage.save(NAME, b"two")
    assert storage.read(NAME) == b"two"
    assert os.listdir(tmp_path / "ab") == [NAME]


def test_cleans_up_when_a_write_fails(tmp_path, monkeypatch):
    storage = LocalStorage(tmp_path)

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        storage.save(NAME, b"data")
    assert os.listdir(tmp_path / "ab") == []
    assert not storage.exists(NAME)


def test_delete_is_quiet_about_missing_files(tmp_path):
    storage = LocalStorage(tmp_path)
    storage.save(NAME, b"x")
    storage.delete(NAME)
    storage.delete(NAME)
    assert not storage.exists(NAME)


def test_files_are_readable_by_a_front_web_server(tmp_path):
    storage = LocalStorage(tmp_path)
    storage.save(NAME, b"x")
    assert storage.path(NAME).stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "ab/" + NAME,
        NAME + "/..",
        "/etc/passwd",
        "",
        "x" * 64 + "-320.webp",
        NAME.replace(".webp", ".html"),
    ],
)
def test_refuses_names_the_pipeline_does_not_make(tmp_path, name):
    storage = LocalStorage(tmp_path)
    with pytest.raises(ValueError, match="not a media file name"):
        storage.save(name, b"x")
    with pytest.raises(ValueError, match="not a media file name"):
        storage.exists(name)
    assert list(tmp_path.iterdir()) == []


def test_the_app_storage_lives_under_media_dir(app):
    with app.app_context():
        storage = get_storage()
        assert isinstance(storage, LocalStorage)
        assert str(storage.root) == app.config["MEDIA_DIR"]
        assert get_storage() is storage
