"""Run as a separate process by the shared page cache's test: build the app from the
settings given as JSON in argv[1], request the page argv[2] once and print how many SQL
statements it took (1: the page came from the cache; more: it was rendered here)."""

from __future__ import annotations

import json
import sys

from sqlalchemy import event

from shop import create_app
from shop.extensions import db


def main() -> None:
    settings, path = json.loads(sys.argv[1]), sys.argv[2]
    app = create_app(settings)
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(1))
    response = app.test_client().get(path, headers={"Accept-Encoding": "gzip"})
    print(json.dumps({"status": response.status_code, "statements": len(statements)}))


if __name__ == "__main__":
    main()
