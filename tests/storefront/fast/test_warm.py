"""warm_up: what gunicorn's master makes before it forks (gunicorn.conf.py), so a new
worker's first shop page compiles no template and no statement on a shopper's time."""

from __future__ import annotations

import gc
import json
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from shop.extensions import db
from shop.storefront.fast import plain_sql, warm_up
from shop.storefront.fast.plain_sql import PlainSelect
from tests import factories

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def slug(app):
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), name="Tibia ☕")
        cups = factories.make_category(shop, "Tazas")
        for n in range(3):
            factories.make_item(shop, cups, name=f"Taza {n} ñ")
        db.session.commit()
        return shop.slug


def _cold(app) -> None:
    """As a process that has served nothing: no compiled template or statement."""
    app.jinja_env.cache.clear()
    PlainSelect.forget()


def _spy(app, monkeypatch) -> list[str]:
    made = []
    loader, compile_ = app.jinja_env.loader, plain_sql._compile

    def get_source(env, name):
        made.append(f"template {name}")
        return type(loader).get_source(loader, env, name)

    def compiled(statement, dialect):
        made.append("statement")
        return compile_(statement, dialect)

    monkeypatch.setattr(loader, "get_source", get_source)
    monkeypatch.setattr(plain_sql, "_compile", compiled)
    return made


def test_after_warm_up_the_first_pages_compile_nothing(app, client, slug, monkeypatch):
    _cold(app)
    warm_up(app)
    made = _spy(app, monkeypatch)
    for path in (f"/s/{slug}", f"/s/{slug}?q=taza", f"/s/{slug}/cart", f"/s/{slug}?lang=pt_BR"):
        assert client.get(path).status_code == 200
    assert made == []


def test_without_it_the_first_page_compiles_its_templates(app, client, slug, monkeypatch):
    _cold(app)
    made = _spy(app, monkeypatch)
    assert client.get(f"/s/{slug}").status_code == 200
    assert "template storefront/shop.html" in made
    assert "statement" in made


def test_gunicorns_master_warms_the_app_up_before_forking(app, client, slug, monkeypatch):
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    class Loaded:  # gunicorn's application, with the app already loaded (preload_app)
        def wsgi(self):
            return app

    class Master:
        app = Loaded()

    _cold(app)
    try:
        settings["when_ready"](Master())
    finally:
        gc.unfreeze()
    made = _spy(app, monkeypatch)
    assert client.get(f"/s/{slug}").status_code == 200
    assert made == []


def test_another_app_served_with_this_file_starts_unwarmed():
    """The benchmarks serve Flask's hello world with this same file: the master must start
    it (it has none of Vitrina's extensions), not die in when_ready."""
    from flask import Flask

    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    hello = Flask("hello")
    hello.get("/")(lambda: "Hello")

    class Loaded:
        def wsgi(self):
            return hello

    class Master:
        app = Loaded()

    try:
        settings["when_ready"](Master())
    finally:
        gc.unfreeze()
    assert hello.test_client().get("/").data == b"Hello"


def test_the_cart_scripts_words_are_written_once_per_language_before_the_fork(app, client, slug):
    """warm_up writes the cart script's messages in every language the app speaks;
    each page then carries its own language's, never another's."""
    from shop.lib.locales import LANGUAGES
    from shop.storefront.fast.messages import EXTENSION

    app.extensions.pop(EXTENSION, None)
    warm_up(app)
    assert sorted(app.extensions[EXTENSION]) == sorted(LANGUAGES)
    words = {
        "es": "Se agregó a tu carrito.",
        "en": "Added to your cart.",
        "pt_BR": "Adicionado ao seu carrinho.",
    }
    for language, added in words.items():
        page = client.get(f"/s/{slug}?lang={language}").get_data(as_text=True)
        assert f'data-added="{added}"' in page, language
        assert page.count('id="shop-messages"') == 1


def test_the_number_formats_of_spanish_speaking_regions_are_loaded_before_the_fork():
    """A Mexican or Argentine shop's prices are written in es_MX's or es_AR's way: their
    data is loaded by warm_up in a fresh process, not on a new worker's first sight."""
    script = (
        "import babel.localedata, json\n"
        "from shop import create_app\n"
        "from shop.storefront.fast import warm_up\n"
        "app = create_app({'TESTING': True, 'SQLALCHEMY_DATABASE_URI': 'sqlite://'})\n"
        "before = set(babel.localedata._cache)\n"
        "warm_up(app)\n"
        "print(json.dumps([sorted(before), sorted(babel.localedata._cache)]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    before, after = json.loads(done.stdout.strip().splitlines()[-1])
    assert "es_MX" not in before
    assert {"es", "es_MX", "es_AR", "es_CO", "es_ES", "es_PR", "en", "pt_BR"} <= set(after)
    assert "en_GB" not in after  # English's ninety regions load on first use
