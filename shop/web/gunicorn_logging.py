"""gunicorn's access log, scrubbed like the app's (order tokens in paths) and, with
LOG_FORMAT=json, one JSON object per line carrying the request id the app sent back.

gunicorn.conf.py names it as `logger_class`; the app itself never imports it.
"""

from __future__ import annotations

import json

from gunicorn.glogging import Logger

from shop.web.logs import scrub

# %-placeholders are gunicorn's atoms; gunicorn escapes double quotes inside them.
JSON_ACCESS_FORMAT = json.dumps(
    {
        "time": "%(t)s",
        "level": "INFO",
        "logger": "gunicorn.access",
        "request_id": "%({x-request-id}o)s",
        "remote": "%(h)s",
        "method": "%(m)s",
        "path": "%(U)s",
        "status": "%(s)s",
        "bytes": "%(B)s",
        "ms": "%(M)s",
        "agent": "%(a)s",
    }
)


class ScrubbingLogger(Logger):
    """gunicorn's logger, with paths and request lines scrubbed before they are written."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("U", "q", "r", "f"):
            if isinstance(atoms.get(name), str):
                atoms[name] = scrub(atoms[name])
        return atoms
