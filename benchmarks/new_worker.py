"""The app as a worker that has never served anything: every request is its first.

For the throughput benchmark's "first sight" rows (a worker's first sight of a shop:
after a deploy, a restart, or with more shops than its memory keeps). Before each
request `cpu.forget_all` empties every cache of any kind and puts back what gunicorn's
master makes before it forks (warm_up), as in the CPU benchmark's cold case. Its own
cost (about 0.15 ms against some 4 ms for the page) is counted in the figure, which is
therefore a little low. Served with PAGE_CACHE=off: a kept page would answer instead.
"""

from __future__ import annotations

from benchmarks.cpu import forget_all
from benchmarks.workspace import create_app_from_env

flask_app = create_app_from_env()


def app(environ, start_response):
    forget_all(flask_app)
    return flask_app(environ, start_response)
