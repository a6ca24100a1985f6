"""The local run has Web Push without set-up: one VAPID key, kept across restarts."""

from __future__ import annotations

from types import SimpleNamespace

from shop.config import load_config
from shop.dev.server import use_dev_vapid_key
from shop.lib.vapid import public_key_of


def test_a_key_is_made_once_and_kept_and_the_worker_can_load_it(tmp_path):
    app = SimpleNamespace(instance_path=str(tmp_path), config={"VAPID_PRIVATE_KEY": None})
    use_dev_vapid_key(app)
    first = app.config["VAPID_PRIVATE_KEY"]
    assert app.config["VAPID_PUBLIC_KEY"] == public_key_of(first)
    assert (tmp_path / "vapid-dev-private-key.txt").stat().st_mode & 0o077 == 0
    again = SimpleNamespace(instance_path=str(tmp_path), config={})
    use_dev_vapid_key(again)
    assert again.config["VAPID_PRIVATE_KEY"] == first  # a restart keeps subscriptions valid
    # The worker gets it through the environment; its settings accept it.
    worker = load_config(
        str(tmp_path),
        environ={"VAPID_PRIVATE_KEY": first, "VAPID_SUBJECT": app.config["VAPID_SUBJECT"]},
    )
    assert worker["VAPID_PUBLIC_KEY"] == app.config["VAPID_PUBLIC_KEY"]


def test_a_key_from_the_environment_wins(tmp_path):
    app = SimpleNamespace(
        instance_path=str(tmp_path),
        config={"VAPID_PRIVATE_KEY": "JLn_sOA-V6kjd975TttuTUWg0B64_xeQpL2M5lIgi1w"},
    )
    use_dev_vapid_key(app)
    assert app.config["VAPID_PRIVATE_KEY"] == "JLn_sOA-V6kjd975TttuTUWg0B64_xeQpL2M5lIgi1w"
    assert not (tmp_path / "vapid-dev-private-key.txt").exists()
