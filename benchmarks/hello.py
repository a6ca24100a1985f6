"""The baseline: Flask's hello world, served by gunicorn exactly like the app."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"


@app.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}
