"""A large shop's export runs as a job: the merchant follows it, downloads the same ZIP as
the direct download, only their own, only for a day."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

from shop import jobs
from shop.extensions import db
from shop.jobs.files import result_path
from shop.jobs.running import start_periodic
from shop.models import Job, JobState, utcnow
from tests import factories
from tests.dashboard.conftest import full  # noqa: F401  (the fixture)

EN = {"Accept-Language": "en"}
EXPORT = "/dashboard/data/export"


def contents(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    return {name: archive.read(name) for name in archive.namelist()}


def start_in_background(app, client) -> str:
    app.config["EXPORT_IN_BACKGROUND_FROM"] = 0
    response = client.post(EXPORT, data={}, headers=EN)
    assert response.status_code == 303
    assert response.location.startswith("/dashboard/jobs/")
    return response.location


def test_the_job_makes_the_same_zip_as_the_direct_download(app, client, full):  # noqa: F811
    app.config["EXPORT_IN_BACKGROUND_FROM"] = 10**9
    direct = client.post(EXPORT, data={}, headers=EN)
    assert direct.status_code == 200

    page_url = start_in_background(app, client)
    waiting = client.get(page_url, headers=EN).get_data(as_text=True)
    assert "Waiting to start" in waiting
    assert "<progress" in waiting
    assert "This server does not send e-mail" in waiting
    with app.app_context():
        jobs.drain()
    page = client.get(page_url, headers=EN).get_data(as_text=True)
    assert "Your ZIP file is ready" in page
    assert f"{page_url}/download" in page

    download = client.get(f"{page_url}/download")
    assert download.status_code == 200
    assert download.mimetype == "application/zip"
    assert download.headers["Content-Disposition"] == direct.headers["Content-Disposition"]
    background, synchronous = contents(download.get_data()), contents(direct.get_data())
    assert background.keys() == synchronous.keys()
    assert any(name.startswith("photos/") for name in background)
    for name in synchronous:
        assert background[name] == synchronous[name], name


def test_a_second_click_follows_the_running_export(app, client, full):  # noqa: F811
    first = start_in_background(app, client)
    assert start_in_background(app, client) == first
    with app.app_context():
        jobs.drain()
    assert start_in_background(app, client) != first  # a new one once it is done


def test_the_data_page_lists_the_shops_recent_exports(app, client, full):  # noqa: F811
    page_url = start_in_background(app, client)
    listed = client.get("/dashboard/data", headers=EN).get_data(as_text=True)
    assert page_url in listed
    assert "in progress, 0%" in listed


def test_another_merchant_sees_nothing_of_it(app, client, full, sign_in_as):  # noqa: F811
    page_url = start_in_background(app, client)
    with app.app_context():
        jobs.drain()
        stranger = factories.make_user("Stranger")
        factories.make_shop(stranger, slug="ajena")
        db.session.commit()
        stranger_id = stranger.id
    other = app.test_client()
    sign_in_as(other, stranger_id)
    for url in (page_url, f"{page_url}/progress", f"{page_url}/download"):
        assert other.get(url).status_code == 404
    assert client.get("/dashboard/jobs/not-a-token").status_code == 404
    assert client.get(f"/dashboard/jobs/{'x' * 43}/download").status_code == 404
    assert app.test_client().get(page_url).status_code in (302, 303)  # signed out: sign in


def test_the_download_expires_after_a_day_and_its_file_is_removed(app, client, full):  # noqa: F811
    page_url = start_in_background(app, client)
    token = page_url.rsplit("/", 1)[1]
    with app.app_context():
        jobs.drain()
        job = db.session.query(Job).filter_by(token=token).one()
        assert timedelta(hours=23) < job.expires_at - utcnow() <= timedelta(days=1)
        assert result_path(token).is_file()
        job.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.get(f"{page_url}/download").status_code == 410
    assert "This download has expired" in client.get(page_url, headers=EN).get_data(as_text=True)
    with app.app_context():
        start_periodic("jobs-prune")
        assert not result_path(token).exists()
        job = db.session.query(Job).filter_by(token=token).one()
        assert job.state is JobState.DONE
        assert job.result["name"].endswith(".zip")


def test_old_finished_jobs_are_pruned(app, client, full):  # noqa: F811
    page_url = start_in_background(app, client)
    token = page_url.rsplit("/", 1)[1]
    with app.app_context():
        jobs.drain()
        db.session.query(Job).filter_by(token=token).one().finished_at = utcnow() - timedelta(
            days=app.config["JOBS_KEEP_DAYS"] + 1
        )
        db.session.commit()
        start_periodic("jobs-prune")
        assert db.session.query(Job).filter_by(token=token).count() == 0
    assert client.get(page_url).status_code == 404


def test_a_shop_deleted_meanwhile_fails_readably(app, client, full):  # noqa: F811
    page_url = start_in_background(app, client)
    token = page_url.rsplit("/", 1)[1]
    with app.app_context():
        job = db.session.query(Job).filter_by(token=token).one()
        job_id = job.id
        job.shop_id = None  # what the queue sees once the shop row is gone
        db.session.commit()
        jobs.drain()
        job = db.session.get(Job, job_id)
        assert job.state is JobState.FAILED
        assert job.tries == 1
        assert job.error["message"] == "This shop no longer exists."
