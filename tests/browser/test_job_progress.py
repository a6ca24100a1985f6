"""A merchant follows a background job in the browser: the bar moves, then the report."""

from __future__ import annotations

import time
import zipfile

from playwright.sync_api import Error as PlaywrightError

from shop import jobs
from shop.extensions import db
from tests import factories
from tests.dashboard.conftest import full  # noqa: F401  (fixture)
from tests.jobs.conftest import app, workers  # noqa: F401  (fixtures: test kinds, real workers)


def test_the_progress_bar_moves_and_ends_on_the_report(
    app,  # noqa: F811
    live_server,
    page,
    browser_sign_in,
    workers,  # noqa: F811
):
    with app.test_request_context():
        user = factories.make_user()
        shop = factories.make_shop(user)
        db.session.commit()
        job = jobs.start_job(
            "test-count", shop_id=shop.id, user_id=user.id, params={"steps": 8, "delay": 0.4}
        )
        token, user_id = job.token, user.id
    browser_sign_in(page.context, user_id)
    page.goto(f"{live_server}/dashboard/jobs/{token}")
    assert page.locator("[data-job-label]").inner_text() == "Waiting to start"
    workers.start()
    seen = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            value = page.evaluate(
                "() => { const bar = document.querySelector('[data-job-bar]');"
                " return bar ? [bar.value, document.querySelector('[data-job-state]')"
                ".dataset.jobState] : null; }"
            )
        except PlaywrightError:  # the page reloading itself at the end, mid-question
            value = None
        if value:
            seen.append(value)
            if value[1] == "done":
                break
        time.sleep(0.1)
    values = [value for value, _state in seen]
    assert seen[-1] == [100, "done"], seen[-5:]
    assert values == sorted(values), "the bar never goes back"
    assert len({v for v in values if 0 < v < 100}) >= 2, "the bar moved in between"
    assert page.locator("[data-job-label]").inner_text() == "Done"
    assert page.get_by_role("status").is_visible()


def test_a_large_shop_is_downloaded_from_its_job_page(
    app,  # noqa: F811
    live_server,
    page,
    browser_sign_in,
    workers,  # noqa: F811
    full,  # noqa: F811
    tmp_path,
):
    app.config["EXPORT_IN_BACKGROUND_FROM"] = 0
    browser_sign_in(page.context, full.user)
    workers.start()
    page.goto(f"{live_server}/dashboard/data")
    page.get_by_role("button", name=f"Download a ZIP of {full.name}").click()
    page.wait_for_url("**/dashboard/jobs/**")
    link = page.get_by_role("link", name="Download vitrina-")
    link.wait_for(timeout=20_000)  # the page reloads itself when the job is done
    with page.expect_download() as waiting:
        link.click()
    saved = tmp_path / waiting.value.suggested_filename
    waiting.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert "shop.json" in archive.namelist()
        assert archive.testzip() is None
