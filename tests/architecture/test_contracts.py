"""The import contract that keeps Flask's request out of the rules reads import lines
correctly: the names a line brings in, directly or as a package attribute."""

import pytest

from tests.architecture.contracts import _names


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("from flask import request", True),
        ("from flask import g, request, session", True),
        ("from flask import (Blueprint, request as req)", True),
        ("import flask", True),  # then flask.request is one attribute away
        ("from flask import Blueprint, current_app", False),
        ("from flask_babel import gettext as _", False),
        ("from flask.sessions import SessionInterface", False),
    ],
)
def test_an_import_line_names_flask_request(line, found):
    assert _names(line, "flask", "request") is found
